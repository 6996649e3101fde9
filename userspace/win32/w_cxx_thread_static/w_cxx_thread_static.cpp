// w_cxx_thread built with the -posix compiler and -static -O2: libstdc++, libgcc and
// libwinpthread linked in, so no runtime DLL is loaded (see ../w_cxx_thread/w_cxx_thread.cpp).
#include "../w_cxx_thread/w_cxx_thread.cpp"
