rule r { condition: true } rule a { condition: (r + r) or true }
