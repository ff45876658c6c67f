rule greedy { strings: $a = /a.{1,3}b/ condition: $a }
rule lazy { strings: $a = /a.{1,3}?b/ condition: $a }
rule anchored { strings: $a = /^a_/ condition: #a == 1 }
rule cls { strings: $a = /[ab]_[^a]/ condition: #a == 2 }
