/* \summary: --user: give up root once the capture is open, and make sure it stays given up */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "privdrop.h"

int ts_privileges_drop(const char *user, char errbuf[TS_ERRBUF_SIZE])
{
	struct passwd pwd, *pw = NULL;
	char buf[4096];
	int err = getpwnam_r(user, &pwd, buf, sizeof(buf), &pw);
	if (!pw) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "--user %s: %s", user, err ? strerror(err) : "no such user");
		return -1;
	}
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;

	/* Order matters: groups and gid need the privilege the uid change gives up. */
	if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "--user %s: cannot switch to uid %ld gid %ld: %s", user, (long)uid,
		         (long)gid, strerror(errno));
		return -1;
	}
	/* A later execve must not gain privileges through set-uid files or file capabilities. */
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0 || ruid != uid ||
	    euid != uid || suid != uid || rgid != gid || egid != gid || sgid != gid) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "--user %s: the ids did not all change", user);
		return -1;
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "--user %s: root could be regained; refusing to go on", user);
		return -1;
	}
	return 0;
}
