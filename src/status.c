#include "candor.h"

const char *candor_status_str(enum candor_status status)
{
    switch (status) {
    case CANDOR_OK:
        return "success";
    case CANDOR_ERROR_NOMEM:
        return "out of memory";
    case CANDOR_ERROR_IO:
        return "could not open or read file";
    case CANDOR_ERROR_SYNTAX:
        return "syntax error in rules";
    case CANDOR_ERROR_FORMAT:
        return "invalid or corrupt compiled rules";
    case CANDOR_ERROR_TIMEOUT:
        return "timeout";
    case CANDOR_ERROR_LIMIT:
        return "limit reached";
    case CANDOR_ERROR_ARGUMENT:
        return "invalid argument";
    case CANDOR_ERROR_UNSUPPORTED:
        return "not supported";
    case CANDOR_ERROR_INTERNAL:
        return "internal error";
    case CANDOR_ERROR_CALLBACK:
        return "aborted by callback";
    }
    return "unknown error";
}
