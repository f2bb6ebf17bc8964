/* Translation macros shared by the core and the front ends. */
#ifndef ZK_I18N_H
#define ZK_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
