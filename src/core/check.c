#include <config.h>

#include "check.h"
