import "pe"
import "math"
global private rule g : t1 t2 {
  meta:
    s = "a\x41\"" i = -5 h = 0x10 b = true c = false
  condition:
    true
}
