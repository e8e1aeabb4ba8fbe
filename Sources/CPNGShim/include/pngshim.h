// Placeholder; the PNG work defines the shim API here.
#pragma once
int pngshim_version(void);
