rule r { condition: true } rule a { condition: ("a" + "a") or true }
