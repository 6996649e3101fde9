/* Copied by w_loadlib as wl_pick.dll beside a copy of the program in another
 * directory: there it must win over the wl_pick.dll of the system directory. */
__declspec(dllexport) const char *wl_pick_where(void)
{
    return "the copy beside the copied program";
}
