/* The C ABI of the native core for Swift: bridges/core/include/edge_sdk.h itself (one header, no copy). */
#ifndef CEDGESDK_H
#define CEDGESDK_H

#include "../../../../core/include/edge_sdk.h"

/* 1 when the linked core was built from the same ABI version as the header Swift compiled against. */
int edge_sdk_swift_abi_matches(void);

#endif
