#include <config.h>

#include "pki.h"
