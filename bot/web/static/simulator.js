// The simulator: three phones; what each receives comes from the outbox as server-sent events.
"use strict";
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const newId = () => "web-" + crypto.getRandomValues(new Uint32Array(4)).join("-");
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const time = (iso) => (iso ? new Date(iso) : new Date()).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  async function post(url, body) {
    const response = await fetch(url, body instanceof FormData ? { method: "POST", body } :
      { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    if (!response.ok) throw new Error((await response.text()) || response.statusText);
    return response.json();
  }

  class Phone {
    constructor(section) {
      this.section = section;
      this.role = section.dataset.role;
      this.select = $(".who", section);
      this.log = $(".log", section);
      this.source = null;
      this.select.addEventListener("change", () => this.open());
      $(".say", section).addEventListener("submit", (event) => { event.preventDefault(); this.sendText(); });
      $("input[type=file]", section).addEventListener("change", (event) => this.sendFile(event.target));
    }
    get phone() { return this.select.value; }
    fill(people, chosen) {
      const before = chosen || localStorage.getItem("sim-" + this.role) || this.phone;
      this.select.replaceChildren(...people.map((p) => {
        const option = el("option", "", `${p.name} (${p.phone})`);
        option.value = p.phone;
        return option;
      }));
      if (people.some((p) => p.phone === before)) this.select.value = before;
      if (this.select.value && this.select.value !== this.streaming) this.open();
    }
    open() {
      if (this.source) this.source.close();
      this.log.replaceChildren();
      this.streaming = this.phone;
      if (!this.phone) return;
      localStorage.setItem("sim-" + this.role, this.phone);
      this.source = new EventSource(`/sim/stream?phone=${encodeURIComponent(this.phone)}`);
      this.source.addEventListener("message", (event) => this.received(JSON.parse(event.data)));
      this.source.addEventListener("status", (event) => {
        const { id, status } = JSON.parse(event.data);
        const badge = $(`[data-id="${id}"] .status`, this.log);
        if (badge) { badge.textContent = status; badge.className = "status " + status; }
      });
    }
    bubble(cls, text) {
      const item = el("li", "msg " + cls, text);
      this.log.append(item);
      this.log.scrollTop = this.log.scrollHeight;
      return item;
    }
    received(row) {
      const item = this.bubble("in", row.body);
      item.dataset.id = row.id;
      if (row.media_url) {
        const link = el("a", "", row.media_url.split("/").pop());
        link.href = row.media_url;
        item.append(el("br"), link);
      }
      if (row.interactive) item.append(this.buttons(row.interactive));
      const meta = el("span", "meta", time(row.created_at) + " ");
      const status = row.status;
      meta.append(el("span", "status " + status, status));
      item.append(meta);
    }
    buttons(interactive) {
      const box = el("div", "buttons");
      const add = (choice) => {
        const button = el("button", "", choice.title);
        button.type = "button";
        button.dataset.payload = choice.id;
        button.addEventListener("click", () => this.send({ text: choice.title, button_payload: choice.id }));
        box.append(button);
      };
      if (interactive.kind === "list") {
        for (const section of interactive.sections || []) {
          if (section.title) box.append(el("span", "section", section.title));
          (section.rows || []).forEach(add);
        }
      } else (interactive.buttons || []).forEach(add);
      return box;
    }
    async send(message) {
      if (!this.phone) return;
      const item = this.bubble("out", message.text);
      const meta = el("span", "meta", time() + " ");
      const status = el("span", "status", "sending");
      meta.append(status);
      item.append(meta);
      try {
        await post("/sim/send", { phone: this.phone, id: newId(), ...message });
        status.textContent = "received";
      } catch (error) {
        status.textContent = "not sent: " + error.message;
        status.className = "status failed";
      }
    }
    sendText() {
      const input = $("input[name=text]", this.section);
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      this.send({ text });
    }
    async sendFile(input) {
      const file = input.files[0];
      if (!file || !this.phone) return;
      const item = this.bubble("out", "");
      if (file.type.startsWith("image/")) {
        const img = el("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        item.append(img);
      } else item.append(el("span", "", "🎤 " + file.name));
      const status = el("span", "status", "uploading");
      const meta = el("span", "meta");
      meta.append(status);
      item.append(meta);
      const form = new FormData();
      form.append("phone", this.phone);
      form.append("id", newId());
      form.append("file", file);
      try {
        await post("/sim/upload", form);
        status.textContent = "received";
      } catch (error) {
        status.textContent = "not sent: " + error.message;
        status.className = "status failed";
      }
      input.value = "";
    }
  }

  const phones = [...document.querySelectorAll(".phone")].map((section) => new Phone(section));

  async function loadPeople(chosen) {
    const people = await (await fetch("/sim/people")).json();
    for (const phone of phones) phone.fill(people[phone.role] || [], phone.role === "retailer" ? chosen : undefined);
  }

  $("#new-retailer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const made = await post("/sim/retailers", { name: form.name.value, phone: form.phone.value });
      form.reset();
      await loadPeople(made.phone);
    } catch (error) {
      alert(error.message);
    }
  });

  const travel = $("#travel");
  if (travel) {
    travel.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = $("button", travel);
      button.disabled = true;
      try {
        const moved = await post("/sim/travel", { minutes: Number(travel.minutes.value) });
        $("#clock").textContent = `now ${new Date(moved.now).toLocaleString()} · jobs run: ${moved.ran.join(", ") || "none"}`;
      } catch (error) {
        $("#clock").textContent = error.message;
      } finally {
        button.disabled = false;
      }
    });
  }
  loadPeople();
})();
