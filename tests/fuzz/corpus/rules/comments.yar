/* block
 comment */ rule c // line
{ condition: /* in */ true }
/* open