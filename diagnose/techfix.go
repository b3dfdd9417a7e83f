package diagnose

// containerFix adds what the container's owner does on the host: pass
// /dev/net/tun in and grant CAP_NET_ADMIN, the way this technology spells it.
func containerFix(r *Report) {
	switch r.Container {
	case OpenVZ:
		fixOpenVZ(r)
	case ProxmoxLXC:
		fixProxmox(r)
	case LXC:
		fixLXC(r)
	case Docker:
		fixDockerLike(r, "docker")
	case Podman:
		fixDockerLike(r, "podman")
	case Kubernetes:
		fixKubernetes(r)
	case Nspawn:
		fixNspawn(r)
	default:
		r.note("Give the container CAP_NET_ADMIN and the device /dev/net/tun (character device 10:200, " +
			"read-write) in its runtime's configuration, then restart it.")
	}
}

func fixOpenVZ(r *Report) {
	r.addStep(onHost+" (OpenVZ/Virtuozzo hardware node; CTID is the container's id)",
		"vzctl set CTID --devnodes net/tun:rw --save",
		"vzctl set CTID --devices c:10:200:rw --save",
		"vzctl set CTID --capability net_admin:on --save",
		"vzctl restart CTID")
	r.note("Most VPS customers have no host access: enable TUN/TAP in your provider's control panel " +
		"(or ask support) and restart the container, then run the commands inside the container.")
}

func fixProxmox(r *Report) {
	conf := "/etc/pve/lxc/CTID.conf"
	r.addStep(onHost+" (Proxmox VE; CTID is the container's id)",
		"echo 'lxc.cgroup2.devices.allow: c 10:200 rwm' >> "+conf,
		"echo 'lxc.mount.entry: /dev/net dev/net none bind,create=dir' >> "+conf,
		"pct reboot CTID")
	r.note("On Proxmox VE 8 and later, `pct set CTID --dev0 /dev/net/tun` (dev0: /dev/net/tun in " + conf +
		") passes the device in instead of the two lxc.* lines; then `pct reboot CTID`.")
}

func fixLXC(r *Report) {
	conf := "/var/lib/lxc/NAME/config"
	r.addStep(onHost+" (NAME is the container's name)",
		"echo 'lxc.cgroup2.devices.allow: c 10:200 rwm' >> "+conf,
		"echo 'lxc.mount.entry: /dev/net dev/net none bind,create=dir' >> "+conf,
		"lxc-stop -n NAME && lxc-start -n NAME")
	r.note("On a cgroup v1 host the key is lxc.cgroup.devices.allow. With LXD or Incus: " +
		"`incus config device add NAME tun unix-char path=/dev/net/tun` (or `lxc config device add ...`), then restart.")
}

func fixDockerLike(r *Report, tool string) {
	r.addStep(onHost+" (start the container with these flags)",
		tool+" run --cap-add=NET_ADMIN --device=/dev/net/tun IMAGE")
	r.note("With compose: `cap_add: [NET_ADMIN]` and `devices: [\"/dev/net/tun:/dev/net/tun\"]` " +
		"in the service, then recreate the container.")
}

// podSpec is the part of a pod spec that grants NET_ADMIN and mounts the node.
const podSpec = `spec:
  containers:
  - name: app
    securityContext:
      capabilities:
        add: ["NET_ADMIN"]
    volumeMounts:
    - name: dev-net-tun
      mountPath: /dev/net/tun
  volumes:
  - name: dev-net-tun
    hostPath:
      path: /dev/net/tun
      type: CharDevice`

func fixKubernetes(r *Report) {
	r.addStep("with kubectl (add the pod spec lines from the notes)", "kubectl edit deployment NAME")
	r.note("Add NET_ADMIN and a hostPath volume for /dev/net/tun (type CharDevice) to the pod spec:\n"+podSpec,
		"A device plugin that hands out /dev/net/tun works too, without hostPath.")
}

func fixNspawn(r *Report) {
	file := "/etc/systemd/nspawn/NAME.nspawn"
	r.addStep(onHost+" (NAME is the machine's name)",
		"mkdir -p /etc/systemd/nspawn",
		`printf '[Exec]\nCapability=CAP_NET_ADMIN\n\n[Files]\nBind=/dev/net/tun\n' >> `+file,
		"systemctl set-property systemd-nspawn@NAME.service DeviceAllow='/dev/net/tun rwm'",
		"machinectl reboot NAME")
	r.note("Started by hand: `systemd-nspawn --capability=CAP_NET_ADMIN --bind=/dev/net/tun -D DIR`.")
}
