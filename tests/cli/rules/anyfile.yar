rule anyfile { condition: true }
