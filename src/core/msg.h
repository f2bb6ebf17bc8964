/*
 * Errors travel back to the caller in a message buffer the caller owns;
 * there is no global "last error".
 */
#ifndef ZK_MSG_H
#define ZK_MSG_H

#include <stddef.h>

#define ZK_MSG_MAX 2048

struct msg {
	char text[ZK_MSG_MAX];
};

/* Replaces the message. Returns -1 so that "return msg_set(...)" reads as a failure. */
int msg_set(struct msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Puts "context: " in front of the message already there. */
int msg_prefix(struct msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends to the message (a newline first when it is not empty). */
void msg_append(struct msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void msg_clear(struct msg *m);

#endif
