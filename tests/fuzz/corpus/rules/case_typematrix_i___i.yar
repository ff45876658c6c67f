rule r { condition: true } rule a { condition: (1 + 1) or true }
