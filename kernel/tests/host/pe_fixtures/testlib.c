/*
 * test_pe fixture: a DLL whose exports come from testlib.def: functions by name, an
 * alias, a data export, one export by ordinal only (secret, @42 NONAME) and a forwarder
 * to KERNEL32.Sleep. Built on the normal mingw DLL CRT (DllMainCRTStartup, TLS).
 */
int add(int a, int b)
{
    return a + b;
}

int mul(int a, int b)
{
    return a * b;
}

int secret(void)
{
    return 42;
}

int counter = 7;
