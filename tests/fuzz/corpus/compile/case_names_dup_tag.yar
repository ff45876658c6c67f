rule a : t t { condition: true }
