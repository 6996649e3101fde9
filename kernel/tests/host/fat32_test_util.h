/*
 * What the FAT32 host tests share: a 64 MiB image in memory behind a block device, built
 * by mformat plus a script of mtools commands, and a way to run mtools or fsck.fat on
 * its current bytes. Header-only: each test program includes it once.
 */
#ifndef FAT32_TEST_UTIL_H
#define FAT32_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fs/fat32.h>
#include <lib/errno.h>

#define IMG_BYTES (64u << 20) /* the default image: FAT32 with 512-byte clusters */
#define IMG_MAX   (80u << 20) /* room for 1 KiB clusters (FAT32 needs 65525 of them) */

static uint8_t *image;
static size_t image_bytes = IMG_BYTES;     /* the current image's size */
static const char *image_mformat = "";     /* extra mformat options, e.g. "-c 2" */
static char image_path[64];

static inline int mem_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    (void)ctx;
    if (lba + count > image_bytes / 512)
        return K_EIO;
    memcpy(buf, image + lba * 512, (size_t)count * 512);
    return 0;
}

static inline int mem_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    (void)ctx;
    if (lba + count > image_bytes / 512)
        return K_EIO;
    memcpy(image + lba * 512, buf, (size_t)count * 512);
    return 0;
}

static uint8_t *image_on_disk; /* what image_path holds now, NULL when not known */

/* Writes the in-memory image to image_path: only the 64 KiB pieces that changed. */
static inline int image_save(void)
{
    const size_t piece = 65536;
    FILE *f = fopen(image_path, "r+b");
    if (!f)
        return -1;
    int full = !image_on_disk, rc = 0;
    if (full && !(image_on_disk = malloc(IMG_MAX)))
        rc = -1;
    for (size_t off = 0; rc == 0 && off < image_bytes; off += piece) {
        if (!full && memcmp(image + off, image_on_disk + off, piece) == 0)
            continue;
        if (fseek(f, (long)off, SEEK_SET) != 0 || fwrite(image + off, 1, piece, f) != piece)
            rc = -1;
        else
            memcpy(image_on_disk + off, image + off, piece);
    }
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

/*
 * Makes a fresh FAT32 image of image_bytes (mformat -F plus image_mformat) at a temporary
 * path, runs script on it with IMG set to that path (mtools commands: mcopy -i "$IMG"
 * ...), and loads it. 0 or -1.
 */
static inline int image_build(const char *script)
{
    char cmd[4096];
    if (image_path[0])
        remove(image_path); /* the previous test's image */
    free(image_on_disk);
    image_on_disk = NULL;
    strcpy(image_path, "/tmp/fat32testXXXXXX");
    int fd = mkstemp(image_path);
    if (fd < 0)
        return -1;
    close(fd);
    snprintf(cmd, sizeof cmd, "IMG=%s; truncate -s %zu $IMG && mformat -i $IMG -F %s :: >/dev/null && %s",
             image_path, image_bytes, image_mformat, script);
    if (system(cmd) != 0)
        return -1;
    if (!image)
        image = malloc(IMG_MAX);
    FILE *f = fopen(image_path, "rb");
    if (!image || !f)
        return -1;
    size_t n = fread(image, 1, image_bytes, f);
    fclose(f);
    return n == image_bytes ? 0 : -1;
}

/*
 * Saves the image and runs cmd with IMG set to its path, capturing up to outsz-1 bytes
 * of its output (stdout and stderr) into out. Returns cmd's exit status, -1 on failure.
 */
static inline int image_run(const char *cmd, char *out, size_t outsz)
{
    char line[2048];
    if (image_save() != 0)
        return -1;
    snprintf(line, sizeof line, "IMG=%s; %s 2>&1", image_path, cmd);
    FILE *p = popen(line, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, outsz - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline void image_free(void)
{
    free(image);
    free(image_on_disk);
    image = image_on_disk = NULL;
    if (image_path[0])
        remove(image_path);
    image_path[0] = 0;
}
#endif
