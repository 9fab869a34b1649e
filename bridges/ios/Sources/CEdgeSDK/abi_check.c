#include "CEdgeSDK.h"

/* Compiled against the header the Swift layer sees, run against whatever core the app linked. */
int edge_sdk_swift_abi_matches(void) { return edge_sdk_abi_version() == EDGE_SDK_ABI_VERSION; }
