// w_cxx_throw built with -O2 (see ../w_cxx_throw/w_cxx_throw.cpp).
#include "../w_cxx_throw/w_cxx_throw.cpp"
