rule a { meta: i = -9223372036854775808 condition: true }
