#ifndef DNS01_VERSION_H
#define DNS01_VERSION_H

#define DNS01_VERSION "0.1.0"

#endif
