/* POSIX threads over mingw-w64's libwinpthread-1.dll: create/join with results, a mutex
 * guarding a counter, a condition variable hand-off, a read-write lock, pthread_once,
 * thread-specific data with destructors, and unnamed semaphores.
 * Built with `x86_64-w64-mingw32-gcc w_pthread.c -o w_pthread.exe -pthread`. */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_many(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return (void *)((intptr_t)arg * 10);
}

static void test_mutex(void)
{
    pthread_t t[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, add_many, (void *)i);
    intptr_t sum = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (intptr_t)r;
    }
    printf("mutex: counter=%ld results=%d\n", counter, (int)sum);
    printf("trylock free=%d ", pthread_mutex_trylock(&lock));
    printf("held=%s\n", pthread_mutex_trylock(&lock) == EBUSY ? "EBUSY" : "?");
    pthread_mutex_unlock(&lock);

    pthread_mutexattr_t a;
    pthread_mutex_t rec;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &a);
    int r1 = pthread_mutex_lock(&rec), r2 = pthread_mutex_lock(&rec);
    pthread_mutex_unlock(&rec);
    pthread_mutex_unlock(&rec);
    printf("recursive: %d %d destroy=%d\n", r1, r2, pthread_mutex_destroy(&rec));
    pthread_mutexattr_destroy(&a);
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int slot, produced, consumed_sum;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= 100; i++) {
        pthread_mutex_lock(&lock);
        while (slot != 0)
            pthread_cond_wait(&cond, &lock);
        slot = i;
        produced++;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void test_cond(void)
{
    pthread_t p;
    pthread_create(&p, NULL, producer, NULL);
    for (int got = 0; got < 100; got++) {
        pthread_mutex_lock(&lock);
        while (slot == 0)
            pthread_cond_wait(&cond, &lock);
        consumed_sum += slot;
        slot = 0;
        pthread_cond_signal(&cond);
        pthread_mutex_unlock(&lock);
    }
    pthread_join(p, NULL);
    printf("cond: produced=%d sum=%d\n", produced, consumed_sum);

    struct timespec ts = {0, 0};  /* long past: times out at once */
    pthread_mutex_lock(&lock);
    int r = pthread_cond_timedwait(&cond, &lock, &ts);
    pthread_mutex_unlock(&lock);
    printf("timedwait past deadline: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : "?");
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int table[16];

static void *reader(void *arg)
{
    long bad = 0;
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_rdlock(&rw);
        for (int j = 1; j < 16; j++)
            bad += table[j] != table[0];
        pthread_rwlock_unlock(&rw);
    }
    return (void *)(intptr_t)bad;
}

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 500; i++) {
        pthread_rwlock_wrlock(&rw);
        for (int j = 0; j < 16; j++)
            table[j]++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void test_rwlock(void)
{
    pthread_t r[3], w;
    for (int i = 0; i < 3; i++)
        pthread_create(&r[i], NULL, reader, NULL);
    pthread_create(&w, NULL, writer, NULL);
    long bad = 0;
    for (int i = 0; i < 3; i++) {
        void *v;
        pthread_join(r[i], &v);
        bad += (long)(intptr_t)v;
    }
    pthread_join(w, NULL);
    printf("rwlock: torn reads=%ld table[0]=%d\n", bad, table[0]);
    pthread_rwlock_rdlock(&rw);
    printf("rwlock: tryrdlock while read-held=%d trywrlock=%s\n", pthread_rwlock_tryrdlock(&rw),
           pthread_rwlock_trywrlock(&rw) == EBUSY ? "EBUSY" : "?");
    pthread_rwlock_unlock(&rw);
    pthread_rwlock_unlock(&rw);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_runs;

static void init_once(void)
{
    init_runs++;
}

static pthread_key_t key;
static int destructor_calls;
static long destructor_sum;

static void key_destructor(void *v)
{
    pthread_mutex_lock(&lock);
    destructor_calls++;
    destructor_sum += (long)(intptr_t)v;
    pthread_mutex_unlock(&lock);
}

static void *use_key(void *arg)
{
    pthread_once(&once, init_once);
    if (pthread_getspecific(key) != NULL)
        return (void *)1;
    pthread_setspecific(key, arg);
    return pthread_getspecific(key) == arg ? NULL : (void *)2;
}

static void test_once_key(void)
{
    pthread_key_create(&key, key_destructor);
    pthread_t t[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, use_key, (void *)(i + 1));
    int bad = 0;
    for (int i = 0; i < THREADS; i++) {
        void *v;
        pthread_join(t[i], &v);
        bad += v != NULL;
    }
    pthread_once(&once, init_once);
    printf("once: runs=%d\n", init_runs);
    printf("key: bad=%d destructors=%d sum=%ld main's value=%p\n", bad, destructor_calls,
           destructor_sum, pthread_getspecific(key));
    printf("key delete=%d\n", pthread_key_delete(key));
}

static sem_t items;
static int delivered;

static void *sem_poster(void *arg)
{
    (void)arg;
    for (int i = 0; i < 50; i++) {
        __atomic_add_fetch(&delivered, 1, __ATOMIC_SEQ_CST);
        sem_post(&items);
    }
    return NULL;
}

static void test_semaphore(void)
{
    sem_init(&items, 0, 2);
    int v = -1;
    sem_getvalue(&items, &v);
    printf("sem: initial=%d trywait=%d %d ", v, sem_trywait(&items), sem_trywait(&items));
    printf("empty trywait=%s\n", sem_trywait(&items) == -1 && errno == EAGAIN ? "EAGAIN" : "?");
    pthread_t p;
    pthread_create(&p, NULL, sem_poster, NULL);
    for (int i = 0; i < 50; i++)
        sem_wait(&items);
    pthread_join(p, NULL);
    sem_getvalue(&items, &v);
    printf("sem: took 50 of %d, left=%d destroy=%d\n", delivered, v, sem_destroy(&items));
}

static void *detached(void *arg)
{
    sem_post((sem_t *)arg);
    return NULL;
}

int main(void)
{
    test_mutex();
    test_cond();
    test_rwlock();
    test_once_key();
    test_semaphore();

    sem_t done;
    sem_init(&done, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t d;
    int r = pthread_create(&d, &attr, detached, &done);
    sem_wait(&done);
    printf("detached: create=%d self equal=%d\n", r, pthread_equal(pthread_self(), pthread_self()));
    pthread_attr_destroy(&attr);
    return 0;
}
