include "other.yar"
rule a { condition: true }
