/*
 * demo.yar - rules for the bundled sample (demo/sample), run by the
 * README's first command:
 *
 *     candor scan -s -r demo/rules/demo.yar demo/sample
 *
 * Each rule stands for one kind of thing that must not be in a product:
 * malware (here the harmless EICAR test file), hard-coded credentials,
 * private keys, and a packer that hides what an executable does.
 */

rule eicar_test_file : malware test
{
    meta:
        description = "The EICAR anti-virus test file (harmless by design)"
        severity = 5
        reference = "https://www.eicar.org/download-anti-malware-testfile/"
    strings:
        // In two parts, so that this rule file does not match itself.
        $head = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
        $tail = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        $head at 0 and $tail at 28 and filesize <= 128
}

rule hardcoded_password : credential
{
    meta:
        description = "A password written into a configuration file"
        severity = 4
    strings:
        $assign = /password\s*=\s*"[^"]{4,}"/ nocase
    condition:
        $assign
}

rule aws_access_key_id : credential
{
    meta:
        description = "An AWS access key id (AKIA followed by 16 characters)"
        severity = 4
    strings:
        $key = /AKIA[0-9A-Z]{16}/
    condition:
        $key
}

rule private_key_block : credential
{
    meta:
        description = "A PEM or OpenSSH private key"
        severity = 5
    strings:
        $pem = /-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/
    condition:
        $pem
}

rule upx_packed_pe : packer
{
    meta:
        description = "A Windows executable packed with UPX"
        severity = 2
    strings:
        $upx0 = "UPX0"
        $upx1 = "UPX1"
        $magic = "UPX!"
    condition:
        uint16(0) == 0x5A4D and uint32(uint32(0x3C)) == 0x00004550 and
        2 of them
}
