// w_cxx_throw built with -static -O2: libstdc++ and libgcc linked in, no runtime DLLs
// (see ../w_cxx_throw/w_cxx_throw.cpp).
#include "../w_cxx_throw/w_cxx_throw.cpp"
