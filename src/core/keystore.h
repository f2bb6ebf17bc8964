/* Java keystores: JKS, PKCS#12, PEM (issue: PKI). */
#ifndef ZK_KEYSTORE_H
#define ZK_KEYSTORE_H
#endif
