rule a { condition: $x
}
