/* zktls-wizard check: what is right and wrong in a working directory (issue: proof). */
#ifndef ZK_CHECK_H
#define ZK_CHECK_H
#endif
