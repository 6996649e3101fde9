// w_cxx_stl built with -static -O2: libstdc++ and libgcc linked into the program, which
// then imports only kernel32 and msvcrt. Prints exactly what w_cxx_stl prints.
#include "../w_cxx_stl/w_cxx_stl.cpp"
