#!/usr/bin/python3
"""Generate the benchmark's synthetic rule sets, deterministically.

    python3 bench/gen_rules.py OUTDIR [--seed N]

writes OUTDIR/gen-literals.yar (20,000 text strings), gen-hex.yar (5,000 hex
strings) and gen-regex.yar (1,000 regular expressions).  The same seed gives
the same bytes on any Python 3 (random.Random with an integer seed is stable).

The strings imitate what public malware rules contain: Windows API and DLL
names, URLs, mutex and pipe names, registry keys, file and PDB paths, shell
commands, user agents, log messages, byte sequences of x86 code.  Most are
made-up words and so match nothing in a Debian corpus, but a fraction are
real API names, DLL names and code idioms, so every set also has matches to
compare.  Every string has at least 4 fixed bytes (hex strings: a fixed run
of 4 or more), none matches at every byte.  Rules carry 1 to 5 strings.
"""

import argparse
import os
import random
import string

N_LITERALS = 20000
N_HEX = 5000
N_REGEX = 1000

VERBS = "Create Open Read Write Get Set Query Enum Delete Load Find Close Map Alloc Free Inject Resume Suspend Terminate Copy Move Send Recv Connect Bind Accept Start Stop Register Lookup Adjust Duplicate Protect".split()
NOUNS = "Process Thread File Key Value Service Mutex Event Memory Library Module Window Pipe Token Snapshot Section View Url Request Socket Hash Handle Directory Object Privileges Information Context Heap Buffer Desktop Clipboard Console Environment".split()
PREFIXES = ["", "", "", "Nt", "Zw", "Rtl", "Reg", "Internet", "Http", "Crypt", "WSA", "Shell", "Virtual", "Win", "Ldr", "Wlan", "Net"]
SUFFIXES = ["", "", "A", "W", "Ex", "ExA", "ExW", "Internal", "32"]
# Real names, so that some rules match the wine, mingw and mono binaries.
REAL_APIS = "GetProcAddress LoadLibraryA LoadLibraryW VirtualAlloc VirtualProtect CreateProcessW CreateRemoteThread WriteProcessMemory ReadProcessMemory OpenProcessToken AdjustTokenPrivileges RegOpenKeyExW RegSetValueExW InternetOpenA InternetOpenUrlA HttpSendRequestA CryptAcquireContextW CryptEncrypt WSAStartup GetTickCount IsDebuggerPresent CheckRemoteDebuggerPresent NtQueryInformationProcess ShellExecuteW URLDownloadToFileA CreateMutexA CreateToolhelp32Snapshot Process32FirstW SetWindowsHookExA GetAsyncKeyState".split()
DLLS = "kernel32.dll ntdll.dll advapi32.dll user32.dll ws2_32.dll wininet.dll winhttp.dll urlmon.dll shell32.dll crypt32.dll bcrypt.dll iphlpapi.dll netapi32.dll psapi.dll dbghelp.dll mscoree.dll".split()
TLDS = "com net org info biz ru cn top xyz io cc tk su pw online site".split()
SYLLABLES = "ka lo mi ne ta ro sa vi de xu zo pan tor mex lin dra gon ber cat fox nix vel qua trin sec upd sys svc net win soft data cloud host link mail core wave".split()
EXTS = "exe dll dat bin tmp ps1 vbs js bat scr jpg png zip log ini cfg".split()
WORDS = "payload loader stager beacon implant backdoor keylog screen shot upload download update config install persist inject decrypt encrypt shell command task report victim bot client server panel gate".split()
MESSAGES = [
    "[+] {} started",
    "[-] failed to {} %s",
    "Error: cannot {} (%d)",
    "{} ok, sending report",
    "waiting for {} ...",
    "%s\\{}.{}",
    "{} completed in %d ms",
]
UA = [
    "Mozilla/5.0 (Windows NT {}.0; Win64; x64)",
    "Mozilla/4.0 (compatible; MSIE {}.0; Windows NT 6.1)",
    "Mozilla/5.0 (X11; Linux x86_64) {}",
]
# Byte idioms from x86 and x64 code; common ones make hex rules match.
CODE_IDIOMS = [
    "55 8B EC", "55 89 E5", "8B FF 55 8B EC", "83 EC", "48 83 EC", "48 89 5C 24", "64 A1 30 00 00 00",
    "65 48 8B 04 25 60 00 00 00", "E8", "FF 15", "FF 25", "8B 45", "89 45", "0F B6", "C1 E0", "33 C0",
    "31 C0", "85 C0", "74", "75", "EB", "C3", "5D C3", "C9 C3", "6A 00", "68", "50", "51", "52", "53",
    "56", "57", "41 57", "48 8D 0D", "48 8D 15", "4C 8D 05", "80 34", "30 04", "F7 D0", "D3 C0",
]
# Fixed runs that real binaries contain, for hex strings that match.
COMMON_RUNS = [
    "4D 5A 90 00", "50 45 00 00", "2E 74 65 78 74", "2E 64 61 74 61", "2E 72 73 72 63",
    "7F 45 4C 46", "47 43 43 3A", "6B 65 72 6E 65 6C 33 32", "48 83 EC 28", "48 89 5C 24 08",
    "55 8B EC 83 EC", "8B FF 55 8B EC", "FF 15 00 00", "C7 44 24",
]
# Whole code sequences as rules write them (displacements wildcarded); these
# match many binaries in the corpus, as generic packer and loader rules do.
CODE_TEMPLATES = [
    "48 89 5C 24 ?? 57 48 83 EC ??", "48 89 5C 24 08 48 89 74 24 10 57", "40 53 48 83 EC 20",
    "48 83 EC 28 E8 ?? ?? ?? ??", "55 8B EC 83 EC ?? 53 56 57", "8B FF 55 8B EC",
    "55 89 E5 83 EC ??", "E8 ?? ?? ?? ?? 83 C4 04 85 C0 74 ??", "F3 0F 1E FA 55 48 89 E5",
    "F3 0F 1E FA 41 57 41 56", "48 8B 05 ?? ?? ?? ?? 48 85 C0 74 ??", "FF 15 ?? ?? ?? ?? 85 C0 75 ??",
    "41 56 41 55 41 54 55 53", "48 8D 0D ?? ?? ?? ?? E8 ?? ?? ?? ??", "C3 CC CC CC CC",
]
# Short tokens (4-6 bytes) that public rules use and that occur everywhere:
# they are what makes real rule sets verify many candidates.
SHORT_COMMON = ["http", ".exe", ".dll", "POST", "GET /", "Host:", "%s\\%s", "\\cmd", "User", "temp", "Software", "admin", "passw", "cookie"]
MODIFIER_MIX = [
    ("", 40), ("nocase", 14), ("wide", 10), ("ascii wide", 15), ("fullword", 8),
    ("nocase ascii wide", 5), ("wide fullword", 4), ("ascii wide nocase fullword", 4),
]
CONDITION_MIX = [
    ("any of them", 50), ("2 of them", 18), ("all of them", 20),
    ("uint16(0) == 0x5A4D and any of them", 6), ("filesize < 4MB and any of them", 6),
]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.randrange(total)
    for item, w in pairs:
        if x < w:
            return item
        x -= w
    raise AssertionError


def word(rng, lo=2, hi=4):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(lo, hi)))


def api_name(rng):
    if rng.random() < 0.12:
        return rng.choice(REAL_APIS)
    return rng.choice(PREFIXES) + rng.choice(VERBS) + rng.choice(NOUNS) + rng.choice(SUFFIXES)


def domain(rng):
    return f"{word(rng)}.{rng.choice(TLDS)}"


def url(rng):
    scheme = rng.choice(["http", "http", "https"])
    path = "/".join(word(rng, 1, 3) for _ in range(rng.randint(1, 3)))
    tail = rng.choice([".php", ".asp", f".{rng.choice(EXTS)}", "/", "?id="])
    return f"{scheme}://{domain(rng)}/{path}{tail}"


def alnum(rng, n, alphabet=string.ascii_letters + string.digits):
    return "".join(rng.choice(alphabet) for _ in range(n))


def guid(rng):
    h = "0123456789ABCDEF"
    return "-".join(alnum(rng, n, h) for n in (8, 4, 4, 4, 12))


def text_value(rng):
    """One literal string value of a malware-like kind (a Python str)."""
    kind = rng.randrange(15)
    if kind <= 2:
        return api_name(rng)
    if kind == 3:
        return rng.choice(DLLS) if rng.random() < 0.3 else f"{word(rng)}{rng.choice(['32', '64', ''])}.dll"
    if kind == 4:
        return url(rng)
    if kind == 5:
        return rng.choice(["Global\\", "Local\\", ""]) + rng.choice([alnum(rng, rng.randint(8, 16)), "{" + guid(rng) + "}", word(rng) + "_mtx"])
    if kind == 6:
        return "\\\\.\\pipe\\" + word(rng) + alnum(rng, 4, string.digits)
    if kind == 7:
        base = rng.choice(["Software\\Microsoft\\Windows\\CurrentVersion\\Run", "SYSTEM\\CurrentControlSet\\Services", "Software\\Classes\\CLSID"])
        return base + "\\" + word(rng)
    if kind == 8:
        root = rng.choice(["C:\\Windows\\Temp\\", "%APPDATA%\\", "C:\\ProgramData\\", "%TEMP%\\", "/tmp/.", "/var/tmp/", "/dev/shm/"])
        return root + word(rng) + "." + rng.choice(EXTS)
    if kind == 9:
        proj = word(rng).capitalize()
        return f"C:\\Users\\{word(rng, 1, 2)}\\source\\repos\\{proj}\\Release\\{proj}.pdb"
    if kind == 10:
        cmd = rng.choice(["cmd.exe /c ", "powershell -nop -w hidden -enc ", "schtasks /create /tn ", "vssadmin delete shadows ", "wget http://", "chmod 777 /tmp/", "/bin/busybox "])
        return cmd + word(rng)
    if kind == 11:
        return rng.choice(UA).format(rng.choice(["6", "10", word(rng)]))
    if kind == 12:
        msg = rng.choice(MESSAGES)
        return msg.format(*(rng.choice(WORDS) for _ in range(msg.count("{}"))))
    if kind == 13:
        return alnum(rng, rng.randint(16, 40), string.ascii_letters + string.digits + "+/") + rng.choice(["", "=", "=="])
    return rng.choice(WORDS) + rng.choice(["_", "-", "", "."]) + rng.choice(WORDS) + alnum(rng, rng.randint(0, 3), string.digits)


def yara_escape(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):02x}")
    return "".join(out)


def literal_string(rng):
    value = rng.choice(SHORT_COMMON) if rng.random() < 0.02 else text_value(rng)
    while len(value) < 4:
        value += rng.choice(WORDS)
    mods = weighted(rng, MODIFIER_MIX)
    return f'"{yara_escape(value)}"' + (f" {mods}" if mods else "")


def rand_bytes(rng, n):
    return " ".join(f"{rng.randrange(256):02X}" for _ in range(n))


def fixed_run(rng, min_len):
    """A run of fixed bytes: code idioms, a known run, or random bytes."""
    parts = []
    n = 0
    while n < min_len:
        r = rng.random()
        if r < 0.35:
            piece = rng.choice(CODE_IDIOMS)
        elif r < 0.42:
            piece = rng.choice(COMMON_RUNS)
        else:
            piece = rand_bytes(rng, rng.randint(1, 4))
        parts.append(piece)
        n += len(piece.split())
    return " ".join(parts)


def hex_gap(rng, kind):
    if kind == "wild":
        return " ".join(rng.choice(["??", "??", "??", f"?{rng.choice('0123456789ABCDEF')}"]) for _ in range(rng.randint(1, 4)))
    if kind == "jump":
        lo = rng.randint(0, 8)
        hi = lo + rng.randint(1, 12)
        return f"[{lo}-{hi}]" if rng.random() < 0.85 else f"[{lo + 1}]"
    alts = [rand_bytes(rng, rng.randint(1, 3)) for _ in range(rng.randint(2, 3))]
    if rng.random() < 0.5:
        alts[0] = rng.choice(["74", "75", "EB", "0F 84", "0F 85"])
    return "( " + " | ".join(alts) + " )"


def hex_string(rng):
    """Fixed runs with gaps between them.  The first run has 4+ bytes, so the
    string always has a usable atom; every string has at least one gap, and
    the mix gives each of ??, jumps and alternatives to most strings."""
    if rng.random() < 0.04:
        a = rng.choice(CODE_TEMPLATES)
        if rng.random() < 0.5:
            return f"{{ {a} }}"
        return f"{{ {a} [0-{rng.randint(8, 32)}] {rng.choice(['E8', 'FF 15', 'C3', '48 8B', '8B 45'])} }}"
    n_gaps = rng.randint(1, 4)
    kinds = [rng.choice(["wild", "jump", "alt"]) for _ in range(n_gaps)]
    pieces = [fixed_run(rng, 4)]
    for kind in kinds:
        pieces.append(hex_gap(rng, kind))
        pieces.append(fixed_run(rng, rng.randint(1, 4)))
    return "{ " + " ".join(pieces) + " }"


def regex_word(rng):
    return word(rng)


def regex_string(rng):
    """A regular expression in the shape public rules use: a literal anchor
    of 4+ characters plus classes, bounded repeats and alternations."""
    w = regex_word(rng)
    kind = rng.randrange(12)
    if kind == 0:
        body = rf"https?:\/\/[a-z0-9\.\-]{{4,40}}\/{w}\/[a-z0-9_]{{1,16}}\.(php|asp|jsp)"
    elif kind == 1:
        body = rf"[A-Za-z]:\\Users\\[^\\]{{1,32}}\\AppData\\Roaming\\{w}\\[a-z]{{3,12}}\.exe"
    elif kind == 2:
        body = rf"{w}[0-9]{{2,6}}\.({'|'.join(rng.sample(EXTS, 3))})"
    elif kind == 3:
        body = r"Global\\[A-F0-9]{8}-[A-F0-9]{4}-" + alnum(rng, 4, "0123456789ABCDEF")
    elif kind == 4:
        body = rf"(cmd|powershell)(\.exe)? +\/c +{w}"
    elif kind == 5:
        body = rf"User-Agent: Mozilla\/[45]\.0 \(compatible; {w}[ ;]"
    elif kind == 6:
        body = rf"Software\\Microsoft\\Windows\\CurrentVersion\\(Run|RunOnce)\\{w}"
    elif kind == 7:
        a, b = rng.sample(WORDS, 2)
        body = rf"{a}[ _\-]?{b}[0-9]{{0,3}}"
    elif kind == 8:
        # Binary: a call, a bounded gap, then a fixed check, like shellcode rules.
        body = r"\xE8.{4}" + "".join(f"\\x{rng.randrange(256):02X}" for _ in range(rng.randint(4, 6))) + r"(\x74|\x75)"
    elif kind == 9:
        api = rng.choice(REAL_APIS) if rng.random() < 0.3 else api_name(rng)
        body = rf"{api}(A|W|Ex)?\x00"
    elif kind == 10:
        body = rf"{w}\.({'|'.join(rng.sample(TLDS, 3))})(:[0-9]{{2,5}})?\/"
    else:
        body = rf"[a-z]{{2,8}}_{w}_(init|start|run|stop|main)"
    mods = weighted(rng, [("", 55), ("nocase", 15), ("wide", 8), ("ascii wide", 12), ("fullword", 10)])
    # A binary regex with wide would be meaningless; keep those plain.
    if kind == 8:
        mods = ""
    return f"/{body}/" + (f" {mods}" if mods else "")


def write_set(path, prefix, total, make_string, rng, title):
    """Rules of 1-5 strings each until exactly `total` strings exist."""
    n_strings = 0
    n_rules = 0
    with open(path + ".tmp", "w", encoding="ascii") as out:
        out.write(f"// {title}\n// Generated by bench/gen_rules.py; do not edit.\n\n")
        while n_strings < total:
            n = min(rng.randint(1, 5), total - n_strings)
            n_rules += 1
            strings = [make_string(rng) for _ in range(n)]
            cond = weighted(rng, CONDITION_MIX)
            if n == 1 and cond.startswith("2 of"):
                cond = "any of them"
            out.write(f"rule {prefix}_{n_rules:05d}\n{{\n")
            out.write(f'    meta:\n        description = "generated {prefix} rule {n_rules}"\n')
            out.write("    strings:\n")
            for i, s in enumerate(strings):
                out.write(f"        $s{i} = {s}\n")
            out.write(f"    condition:\n        {cond}\n}}\n\n")
            n_strings += n
    os.replace(path + ".tmp", path)
    return n_rules, n_strings


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    sets = [
        ("gen-literals.yar", "gen_lit", N_LITERALS, literal_string, "20,000 text strings"),
        ("gen-hex.yar", "gen_hex", N_HEX, hex_string, "5,000 hex strings with ??, jumps and alternatives"),
        ("gen-regex.yar", "gen_re", N_REGEX, regex_string, "1,000 regular expressions"),
    ]
    for i, (name, prefix, total, fn, title) in enumerate(sets):
        # One stream per set, so changing one generator leaves the others' bytes alone.
        rng = random.Random(args.seed * 10 + i)
        n_rules, n_strings = write_set(os.path.join(args.outdir, name), prefix, total, fn, rng, title)
        print(f"{name}: {n_rules} rules, {n_strings} strings")


if __name__ == "__main__":
    main()
