rule r { condition: true } rule a { condition: (1.5 + 1.5) or true }
