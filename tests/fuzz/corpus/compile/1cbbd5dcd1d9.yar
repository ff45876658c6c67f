global rule g { condition: filesize > 10 }
rule r { condition: true }
