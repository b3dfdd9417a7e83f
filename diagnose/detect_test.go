package diagnose

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// tree writes files (path -> content; a path ending in / is a directory) under
// a fresh directory and returns it as the Root of an Env.
func tree(t *testing.T, files map[string]string) fs.FS {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, p)
		if p[len(p)-1] == '/' {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return os.DirFS(dir)
}

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

const tmpfsDev = "tmpfs /dev tmpfs rw,nosuid 0 0\n"

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		want  Tech
	}{
		{"bare host", nil, nil, Host},
		{"openvz container", map[string]string{"proc/vz/": "", "proc/user_beancounters": "x"}, nil, OpenVZ},
		{"openvz old", map[string]string{"proc/user_beancounters": "x"}, nil, OpenVZ},
		{"openvz hardware node", map[string]string{"proc/vz/": "", "proc/bc/": ""}, nil, Host},
		{"kubernetes env", map[string]string{"/.dockerenv": ""}, map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, Kubernetes},
		{"kubernetes secrets", map[string]string{"var/run/secrets/kubernetes.io/serviceaccount/token": "t"}, nil, Kubernetes},
		{"kubernetes cgroup", map[string]string{"proc/1/cgroup": "0::/kubepods/besteffort/pod1/abc\n"}, nil, Kubernetes},
		{"podman containerenv", map[string]string{"run/.containerenv": ""}, nil, Podman},
		{"podman env", nil, map[string]string{"container": "podman"}, Podman},
		{"docker dockerenv", map[string]string{".dockerenv": "", "proc/self/mounts": tmpfsDev}, nil, Docker},
		{"docker cgroup v1", map[string]string{"proc/1/cgroup": "12:pids:/docker/0123abcd\n"}, nil, Docker},
		{"dockerenv in a vm image", map[string]string{".dockerenv": "", "proc/self/mounts": "devtmpfs /dev devtmpfs rw 0 0\n",
			"proc/cpuinfo": "flags\t\t: fpu vme hypervisor\n"}, nil, VM},
		{"nspawn environ", map[string]string{"proc/1/environ": "PATH=/bin\x00container=systemd-nspawn\x00"}, nil, Nspawn},
		{"nspawn run file", map[string]string{"run/systemd/container": "systemd-nspawn\n"}, nil, Nspawn},
		{"lxc environ", map[string]string{"proc/1/environ": "container=lxc\x00"}, nil, LXC},
		{"lxc cgroup", map[string]string{"proc/1/cgroup": "5:devices:/lxc/web\n"}, nil, LXC},
		{"lxc lxcfs", map[string]string{"proc/self/mounts": "lxcfs /proc/cpuinfo fuse.lxcfs rw 0 0\n"}, nil, LXC},
		{"proxmox kernel", map[string]string{"proc/1/environ": "container=lxc\x00",
			"proc/version": "Linux version 6.8.12-4-pve (build@proxmox)"}, nil, ProxmoxLXC},
		{"proxmox hosts", map[string]string{"run/systemd/container": "lxc",
			"etc/hosts": "# --- BEGIN PVE ---\n127.0.1.1 ct\n# --- END PVE ---\n"}, nil, ProxmoxLXC},
		{"other container", map[string]string{"run/systemd/container": "oci"}, nil, UnknownContainer},
		{"containerd cgroup", map[string]string{"proc/1/cgroup": "0::/system.slice/containerd.service\n"}, nil, UnknownContainer},
		{"wsl2", map[string]string{"proc/version": "Linux version 5.15.153.1-microsoft-standard-WSL2"}, nil, WSL},
		{"wsl1", map[string]string{"proc/version": "Linux version 4.4.0-19041-Microsoft"}, nil, WSL},
		{"kvm dmi", map[string]string{"sys/class/dmi/id/product_name": "KVM\n"}, nil, VM},
		{"hyper-v dmi", map[string]string{"sys/class/dmi/id/product_name": "Virtual Machine\n"}, nil, VM},
		{"xen", map[string]string{"sys/hypervisor/type": "xen\n"}, nil, VM},
		{"cpuinfo flag", map[string]string{"proc/cpuinfo": "processor\t: 0\nflags\t\t: fpu hypervisor sse\n"}, nil, VM},
		{"physical", map[string]string{"sys/class/dmi/id/product_name": "PowerEdge R640\n",
			"proc/cpuinfo": "flags\t\t: fpu sse\n"}, nil, Host},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Detect(Sys{Root: tree(t, tt.files), Getenv: envOf(tt.env)}, Detectors())
			if got.Tech != tt.want {
				t.Fatalf("Detect = %s (%s), want %s", got.Tech, got.Evidence, tt.want)
			}
			if got.Evidence == "" {
				t.Fatal("no evidence given")
			}
		})
	}
}

func TestDetectorsAreInjectable(t *testing.T) {
	only := DetectorFunc(func(Sys) (Finding, bool) { return Finding{Nspawn, "test says so"}, true })
	s := Sys{Root: tree(t, map[string]string{"run/.containerenv": ""})}
	if got := Detect(s, []Detector{only}); got.Tech != Nspawn {
		t.Fatalf("got %s, want the injected detector's answer", got.Tech)
	}
	if got := Detect(s, nil); got.Tech != Host {
		t.Fatalf("no detectors: got %s, want host", got.Tech)
	}
}
