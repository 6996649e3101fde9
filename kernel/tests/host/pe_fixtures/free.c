/*
 * test_pe fixture: a freestanding program (-nostdlib -e entry --dynamicbase): no imports,
 * and data initialised with absolute addresses, so the image carries DIR64 relocations.
 * self_ptr holds its own address, which lets the test find it and check a relocation.
 */
static int counter;
int *volatile counter_ptr = &counter;
void *volatile self_ptr = (void *)&self_ptr;

__attribute__((noinline)) int pe_fixture_work(int n)
{
    for (int i = 0; i < n; i++)
        *counter_ptr += i;
    return *counter_ptr;
}

int entry(void)
{
    return pe_fixture_work(10);
}
