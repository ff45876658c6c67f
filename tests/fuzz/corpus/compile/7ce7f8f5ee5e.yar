rule a { strings: $a = /a[\x00-\xff]{5}/ condition: $a }
