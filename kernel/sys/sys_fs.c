/*
 * Native file calls: placeholders until the file-system layer lands (every call says
 * STATUS_NOT_IMPLEMENTED).
 */
#include <sys/syscall.h>

#define NOT_YET(name)                                   \
    dormer_status_t sys_##name(const uint64_t *args)    \
    {                                                   \
        (void)args;                                     \
        return STATUS_NOT_IMPLEMENTED;                  \
    }

NOT_YET(DmCreateFile)
NOT_YET(DmReadFile)
NOT_YET(DmWriteFile)
NOT_YET(DmQueryInformationFile)
NOT_YET(DmSetInformationFile)
NOT_YET(DmQueryDirectoryFile)
NOT_YET(DmFlushBuffersFile)
NOT_YET(DmDuplicateHandle)
NOT_YET(DmSetCurrentDirectory)
NOT_YET(DmGetCurrentDirectory)
NOT_YET(DmQueryAttributesFile)
