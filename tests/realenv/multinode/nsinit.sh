#!/bin/bash
# Anchor of one lab node, run inside fresh mount + UTS namespaces (and the node's netns):
# private mounts for everything a cluster node writes, then the host name, then sleep.
# $1 = node directory on the host, $2 = host name, $3 = systemctl shim (optional)
set -e
d=$1
mount --bind "$d/run" /run                          # pid files, sshd privsep, agent state
mount -t tmpfs -o mode=1777,size=128m clmn-shm /dev/shm   # libqb ring buffers
mount --bind "$d/hosts" /etc/hosts
mount --bind "$d/etc-corosync" /etc/corosync
mount --bind "$d/lib-corosync" /var/lib/corosync
mount --bind "$d/log-corosync" /var/log/corosync
mount --bind "$d/lib-pacemaker" /var/lib/pacemaker
mount --bind "$d/log-pacemaker" /var/log/pacemaker
# $3 (optional): the lab's systemctl, visible as /usr/bin/systemctl inside this node only
if [ -n "${3:-}" ]; then mount --bind "$3" /usr/bin/systemctl; fi
hostname "$2"
touch /run/clmn-ready
exec sleep infinity
