rule a { condition: ( }
import "foo"
rule b { condition: $x }
