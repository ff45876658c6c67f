/*
 * dotnet.h - the dotnet module's member indices, in the order of its
 * declaration (dotnet.c). Values live in the scan's arena like every
 * module's; nothing here outlives a scan.
 */
#ifndef CANDOR_MODULES_DOTNET_H
#define CANDOR_MODULES_DOTNET_H

#include "modules/modules.h"

/* The root structure. */
enum dotnet_member {
    DN_IS_DOTNET,
    DN_VERSION,
    DN_MODULE_NAME,
    DN_STREAMS,
    DN_NUMBER_OF_STREAMS,
    DN_GUIDS,
    DN_NUMBER_OF_GUIDS,
    DN_RESOURCES,
    DN_NUMBER_OF_RESOURCES,
    DN_ASSEMBLY_REFS,
    DN_NUMBER_OF_ASSEMBLY_REFS,
    DN_ASSEMBLY,
    DN_MODULEREFS,
    DN_NUMBER_OF_MODULEREFS,
    DN_USER_STRINGS,
    DN_NUMBER_OF_USER_STRINGS,
    DN_TYPELIB,
    DN_CONSTANTS,
    DN_NUMBER_OF_CONSTANTS,
    DN_FIELD_OFFSETS,
    DN_NUMBER_OF_FIELD_OFFSETS,
};

/* streams[i] */
enum { DN_STREAM_NAME, DN_STREAM_OFFSET, DN_STREAM_SIZE };
/* resources[i] */
enum { DN_RES_OFFSET, DN_RES_LENGTH, DN_RES_NAME };
/* assembly */
enum { DN_ASM_VERSION, DN_ASM_NAME, DN_ASM_CULTURE };
/* assembly_refs[i] */
enum { DN_REF_VERSION, DN_REF_PUBLIC_KEY_OR_TOKEN, DN_REF_NAME };
/* version (of assembly and assembly_refs[i]) */
enum {
    DN_VER_MAJOR,
    DN_VER_MINOR,
    DN_VER_BUILD_NUMBER,
    DN_VER_REVISION_NUMBER,
};

#endif /* CANDOR_MODULES_DOTNET_H */
