"""Mapping the infrastructure tabs of an RVTools export: hosts, clusters, networks, datastores."""

from __future__ import annotations

import polars as pl

from ..estate import DataIssue
from . import values as V
from .rvtools_base import MapperBase
from .rvtools_membership import membership, membership_issues
from .rvtools_settled import settled_by_counts

DRS_BEHAVIOR_NUMBERS = {"0": "manual", "1": "partiallyAutomated", "2": "fullyAutomated"}
"""RVTools 3.x writes 'DRS default VM behavior' as the number of the API's DrsBehavior value, in the order the
vSphere WSDL declares them (manual, partiallyAutomated, fullyAutomated); later versions write the name."""


class InfraMapping(MapperBase):
    def hosts(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.tab("vHost")
        frames = []
        if f is not None:
            product = self.col(f, "ESX Version")
            hosts = f.with_columns(
                host_key=self.host_key(f, "vHost"),
                name=self.col(f, "Host"),
                cluster_key=self.cluster_key(f),
                scope=self.scope_expr(f),  # the vCenter of cluster_key, for clusters() to join vCluster on
                cluster=self.col(f, "Cluster"),
                datacenter=self.col(f, "Datacenter"),
                platform=self.platform,
                product=product,
                version=product.str.extract(r"(\d+\.\d+(?:\.\d+)?)", 1),
                build=product.str.extract(r"build-(\d+)", 1),
                in_maintenance=self.typed(f, "in Maintenance Mode", V.boolean("in Maintenance Mode"), pl.Boolean()),
                cpu_model=self.col(f, "CPU Model"),
                evc_current=self.col(f, "Current EVC"),
                evc_max=self.col(f, "Max EVC"),
                live_migration=self.typed(f, "VMotion support", V.boolean("VMotion support"), pl.Boolean()),
                memory_mib=self.typed(f, "# Memory", V.memory(V.integer("# Memory")), pl.Int64()),
                cores=self.typed(f, "# Cores", V.integer("# Cores", pl.Int32()), pl.Int32()),
                fault_domain=self.col(f, "vSAN Fault Domain Name"),
                source_id=pl.lit(self.source_id, pl.Int32),
                from_vhost=pl.lit(True),
            )
            self.report_unparsed("vHost", f, {"# Memory": V.memory(V.integer("# Memory")), "# Cores": V.integer("# Cores"),
                                              "in Maintenance Mode": V.boolean("in Maintenance Mode"),
                                              "VMotion support": V.boolean("VMotion support")})
            hosts = self.keep("vHost", hosts, pl.col("name").is_not_null(),
                              "the host has no name (anonymised export?); hosts named in vInfo are still used")
            hosts = self.unique("vHost", hosts, ["host_key"], "the host is listed twice; the first row is used")
            self.status("vHost", hosts.height)
            frames.append(hosts)
        else:
            self.status("vHost", 0)
        # Hosts that guests run on but vHost does not list (tab missing, trimmed or anonymised).
        seen = guests.filter(pl.col("host_key").is_not_null()).group_by("host_key").agg(
            name=(pl.col("Host") if "Host" in guests.columns else pl.col("host_key")).first(),
            cluster_key=pl.col("cluster_key").first(),
            scope=pl.col("vcenter_scope").first(),
            cluster=pl.col("cluster").first(),
            datacenter=pl.col("datacenter").first(),
        ).with_columns(platform=self.platform, source_id=pl.lit(self.source_id, pl.Int32))
        if frames:
            seen = seen.join(frames[0].select("host_key"), on="host_key", how="anti")
        if seen.height and f is not None:
            self.issues.append(DataIssue(
                "info", self.raw.file,
                f"{seen.height} host(s) named in vInfo are missing from vHost; their details are unknown",
                sheet="vHost", rows=seen.height))
        frames.append(seen)
        hosts = pl.concat(frames, how="diagonal_relaxed")
        known = membership(hosts, guests, f, self.tab("vCluster"))
        self.issues.extend(membership_issues(self.raw.file, known, hosts))
        return hosts.with_columns(cluster_unknown=pl.col("host_key").is_in(sorted(known.unknown)))

    def clusters(self, hosts: pl.DataFrame) -> pl.DataFrame:
        from_hosts = hosts.filter(pl.col("cluster_key").is_not_null()).group_by("cluster_key").agg(
            name=pl.col("cluster").first(),
            datacenter=pl.col("datacenter").first(),
            host_count=pl.len().cast(pl.Int32),
            scope=pl.col("scope").first(),
        ).with_columns(platform=self.platform, source_id=pl.lit(self.source_id, pl.Int32))
        f = self.tab("vCluster")
        if f is None:
            self.status("vCluster", 0)
            return from_hosts.drop("scope")
        details = f.with_columns(
            scope=self.scope_expr(f),
            name=self.col(f, "Name"),
            ha_enabled=self.typed(f, "HA enabled", V.boolean("HA enabled"), pl.Boolean()),
            drs_enabled=self.typed(f, "DRS enabled", V.boolean("DRS enabled"), pl.Boolean()),
            drs_behavior=self.col(f, "DRS default VM behavior").replace(DRS_BEHAVIOR_NUMBERS),
            admission_control=self.typed(f, "AdmissionControlEnabled", V.boolean("AdmissionControlEnabled"),
                                         pl.Boolean()),
            dpm_enabled=self.typed(f, "DPM enabled", V.boolean("DPM enabled"), pl.Boolean()),
        )
        self.report_unparsed("vCluster", f, {c: V.boolean(c) for c in ("HA enabled", "DRS enabled",
                                                                        "AdmissionControlEnabled", "DPM enabled")})
        nameless = details.filter(pl.col("name").is_null())
        details = self.keep("vCluster", details, pl.col("name").is_not_null(), "the cluster has no name")
        settings = ["ha_enabled", "drs_enabled", "drs_behavior", "admission_control", "dpm_enabled"]
        # A cluster name is unique only within a datacenter, and vCluster names none: where a vCenter has a
        # 'Common' in two datacenters, their rows are told apart by nothing, so their settings are known only
        # where all the rows of that name agree.
        agree = details.group_by("scope", "name").agg(agree=pl.struct(settings).n_unique() == 1)
        shared = from_hosts.group_by("scope", "name").agg(shared=pl.len() > 1)
        listed = details.join(shared, on=["scope", "name"], how="left")
        first = pl.struct("scope", "name").is_first_distinct()
        details = self.keep("vCluster", listed, first | pl.col("shared").fill_null(False),
                            "the cluster is listed twice", level="info").filter(first)
        details = details.join(agree, on=["scope", "name"]).with_columns(
            [pl.when(pl.col("shared").fill_null(False) & ~pl.col("agree")).then(None).otherwise(pl.col(c)).alias(c)
             for c in settings]).select("scope", "name", *settings).with_columns(matched=pl.lit(True))
        self.status("vCluster", details.height)
        joined, said = settled_by_counts(from_hosts.join(details, on=["scope", "name"], how="left"), nameless,
                                         self.raw.file)
        self.issues.extend(said)
        return joined.drop("scope", "matched")

    def networks(self) -> pl.DataFrame:
        parts = []
        port = self.tab("vPort")
        nic = self.tab("vNIC")
        switch = self.tab("vSwitch")
        uplinked = None
        if nic is not None:
            uplinked = nic.filter(self.col(nic, "Switch").is_not_null()).select(
                host_key=self.host_key(nic, "vNIC"), switch=self.col(nic, "Switch")
            ).unique().with_columns(has_uplink=pl.lit(True))
            self.status("vNIC", nic.height)
        else:
            self.status("vNIC", 0)
        if switch is not None:
            self.status("vSwitch", switch.height)
        else:
            self.status("vSwitch", 0)
        if port is not None:
            std = port.select(
                "__row",
                host_key=self.host_key(port, "vPort"),
                network=V.name("Port Group") if "Port Group" in port.columns else pl.lit(None, pl.String),
                switch=self.col(port, "Switch"),
                switch_kind=pl.lit("standard"),
                vlan=self.col(port, "VLAN"),
            )
            std = self.keep("vPort", std, pl.col("host_key").is_not_null() & pl.col("network").is_not_null(),
                            "no host or port group name")
            if uplinked is not None:
                std = std.join(uplinked, on=["host_key", "switch"], how="left").with_columns(
                    pl.col("has_uplink").fill_null(False))
            else:
                std = std.with_columns(has_uplink=pl.lit(None, pl.Boolean))
            parts.append(std)
            self.status("vPort", std.height)
        else:
            self.status("vPort", 0)
        dvs = self.tab("dvSwitch")
        dvp = self.tab("dvPort")
        if dvs is not None and dvp is not None:
            members = dvs.select(
                scope=self.scope_expr(dvs), switch=self.col(dvs, "Switch"),
                host=self.col(dvs, "Host members").str.split(", "),
            ).explode("host").filter(pl.col("host").is_not_null()).with_columns(pl.col("host").str.strip_chars())
            members = members.with_columns(host=self.host_name(members.get_column("host"), "dvSwitch", "Host members"))
            pgs = dvp.select(
                "__row",
                scope=self.scope_expr(dvp), switch=self.col(dvp, "Switch"),
                network=V.name("Port") if "Port" in dvp.columns else pl.lit(None, pl.String),
                vlan=self.col(dvp, "VLAN"),
                has_uplink=self.col(dvp, "Active Uplink").is_not_null() | self.col(dvp, "Standby Uplink").is_not_null(),
            )
            pgs = self.keep("dvPort", pgs, pl.col("network").is_not_null(), "no port group name")
            dist = pgs.join(members, on=["scope", "switch"], how="inner").select(
                host_key=pl.concat_str("scope", pl.lit("/"), pl.col("host")),
                network="network", switch="switch", switch_kind=pl.lit("distributed"),
                has_uplink="has_uplink", vlan="vlan",
            )
            parts.append(dist)
            self.status("dvSwitch", dvs.height)
            self.status("dvPort", pgs.height)  # port groups without a name are skipped (and counted) above
        else:
            self.status("dvSwitch", 0 if dvs is None else dvs.height)
            self.status("dvPort", 0 if dvp is None else dvp.height)
        if not parts:
            return pl.DataFrame()
        frame = pl.concat(parts, how="diagonal_relaxed")
        frame = frame.filter(pl.int_range(pl.len()).over(["host_key", "network", "switch"]) == 0)
        return frame.with_columns(source_id=pl.lit(self.source_id, pl.Int32))

    def datastores(self) -> pl.DataFrame:
        f = self.tab("vDatastore")
        if f is None:
            self.status("vDatastore", 0)
            return pl.DataFrame()
        self.report_unparsed("vDatastore", f, {"# Hosts": V.integer("# Hosts"), "MHA": V.boolean("MHA"),
                                               "Capacity MiB": V.integer("Capacity MiB")})
        count = self.typed(f, "# Hosts", V.integer("# Hosts", pl.Int32()), pl.Int32())
        mha = self.typed(f, "MHA", V.boolean("MHA"), pl.Boolean())
        scope = self.scope_expr(f)
        frame = f.with_columns(
            datastore_key=pl.concat_str(scope, pl.lit("/"), self.col(f, "Name")),
            name=self.col(f, "Name"),
            type=self.col(f, "Type"),
            host_count=count,
            shared=pl.when(count.is_not_null()).then(count > 1).otherwise(mha),
            capacity_mib=self.typed(f, "Capacity MiB", V.integer("Capacity MiB"), pl.Int64()),
            source_id=pl.lit(self.source_id, pl.Int32),
        )
        frame = self.keep("vDatastore", frame, pl.col("name").is_not_null(), "the datastore has no name")
        members = frame.select(
            "datastore_key", scope=scope, host=self.col(f, "Hosts").str.split(",")
        ).explode("host").with_columns(pl.col("host").str.strip_chars()).filter(
            pl.col("host").is_not_null() & (pl.col("host") != "")
        )
        members = members.with_columns(host=self.host_name(members.get_column("host"), "vDatastore", "Hosts")).group_by(
            "datastore_key").agg(host_keys=pl.concat_str("scope", pl.lit("/"), "host"), host_names="host")
        frame = frame.join(members, on="datastore_key", how="left")
        self.status("vDatastore", frame.height)
        return frame
