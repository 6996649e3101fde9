/* wl_pick.dll as it sits beside w_loadlib.exe (in System32 on Dormer). */
__declspec(dllexport) const char *wl_pick_where(void)
{
    return "the copy beside w_loadlib.exe";
}
