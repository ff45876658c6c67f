/*
 * Results that candor keeps for the rest of one file (hash and math over
 * ranges, the entry point): scanned over files of the same size but other
 * bytes, one thread, each file must get its own values, as yara gives.
 */
import "hash"
import "math"

rule md5_of_a { condition: hash.md5(0, filesize) == "e5828c564f71fea3a12dde8bd5d27063" }
rule md5_of_b { condition: hash.md5(0, filesize) == "9448a1bf333fadd2a57965ec38487b89" }
rule md5_again { condition: hash.md5(0, filesize) == hash.md5(0, filesize) }
rule sha1_head { condition: hash.sha1(0, 1) == "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8" }
rule entropy_zero { condition: math.entropy(0, 4) == 0.0 }
rule mean_of_a { condition: math.mean(0, 4) == 97.0 }
rule crc_differs { condition: hash.crc32(0, filesize) != hash.crc32(1, filesize) }
rule no_entry { condition: not defined entrypoint }
