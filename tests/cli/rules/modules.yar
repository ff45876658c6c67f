import "math"
import "console"
import "hash"

rule entropy_logged
{
    condition:
        console.log("entropy: ", math.entropy(0, filesize)) and
        console.hex("size: ", filesize) and
        hash.md5(0, filesize) != ""
}
