#include <config.h>

#include "keystore.h"
