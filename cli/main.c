/* Placeholder until the command lands. */
#include <stdio.h>

#include "candor.h"

int main(void)
{
    printf("candor %s\n", CANDOR_VERSION);
    return 0;
}
