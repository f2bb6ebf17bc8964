/* The private CA and the node certificates (issue: PKI). */
#ifndef ZK_PKI_H
#define ZK_PKI_H
#endif
