#ifndef JONCTION_CZLIB_SHIM_H
#define JONCTION_CZLIB_SHIM_H
#include <zlib.h>
#endif
