import "math"
import "hash"
import "console"
import "string"
import "time"
rule m {
  condition:
    math.entropy(0, filesize) > 1.5 and math.mean("abc") < 100.0 and
    hash.md5(0, 16) != hash.sha1("x") and hash.crc32(0, filesize) > 0 and
    console.log("e ", math.serial_correlation(0, filesize)) and
    math.count(0x41, 0, 10) >= 0 and math.mode() >= 0 and
    string.to_int("0x10") == 16 and string.length("ab") == 2 and
    time.now() > 0 and math.min(1, 2) == 1
}
