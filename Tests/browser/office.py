#!/usr/bin/python3
"""The office application in a real browser (Chromium through WebDriver, Debian's
python3-selenium), as a clerk in Kayes and the hub's data manager would use it.

Usage: office.py JONCTION_BINARY WORK_DIR CAPTURES_DIR

Builds a hub and the Kayes office with the command line (enrolment, join, sticks), serves both
with `jonction serve`, then, at 1024x768: first start (the administrator), sign out and in, a
candidate refused for a bad phone then registered, the duplicate warning, search as you type
with another spelling ("keita diara"), the record and its printable sheet, a proposal accepted,
the stick written for the hub, the hub's dashboard. Every page is checked for French, for no
horizontal scrolling at 1024x768, and saved as a screenshot in CAPTURES_DIR. Exits non-zero,
saying which step failed, on the first failure.
"""
import http.client
import os
import re
import shutil
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

BINARY, WORK, CAPTURES = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(WORK, exist_ok=True)
os.makedirs(CAPTURES, exist_ok=True)
ENV = dict(os.environ, JONCTION_LANG="fr")
ENV.pop("JONCTION_DB", None)
ENV.pop("JONCTION_USER", None)


def run(*args, stdin=None):
    done = subprocess.run([BINARY, *args], cwd=WORK, env=ENV, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"jonction {' '.join(args)} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


def network():
    """A hub and the Kayes office, joined, with a candidate of Kayes proposed a job by the hub."""
    run("init", "--db", "hub.sqlite", "--site", "hub")
    run("init", "--db", "kayes.sqlite", "--site", "kayes")
    identity = re.search(r'"identity":"([^"]+)"', run("keys", "--db", "kayes.sqlite", "--json")).group(1)
    run("hub", "enroll", "--db", "hub.sqlite", "kayes", "--identity", identity, "--join-file", "adhesion-kayes.txt",
        "--region", "Kayes")
    run("hub", "roster", "--db", "hub.sqlite", "--out", "liste.bin")
    run("join", "--db", "kayes.sqlite", "adhesion-kayes.txt", "--roster", "liste.bin")
    run("put", "--db", "kayes.sqlite", "candidate", "kayes-c1", "family_name=Sissoko", "given_names=Fanta", "sex=femme",
        "region=Kayes", "birth_year=1998", "consent=employeurs", "skills=couture,vente")
    os.makedirs(os.path.join(WORK, "cle"), exist_ok=True)
    run("export", "--db", "kayes.sqlite", "--to", "cle")
    run("import", "--db", "hub.sqlite", "cle")
    run("put", "--db", "hub.sqlite", "employer", "hub-e1", "name=Atelier Diallo", "region=Kayes")
    run("put", "--db", "hub.sqlite", "opportunity", "hub-o1", "title=Couturière", "kind=emploi", "region=Kayes",
        "places=2", "employer_id=hub-e1", "skills_required=couture")
    run("put", "--db", "hub.sqlite", "proposal", "r1-kayes-c1", "candidate_id=kayes-c1", "opportunity_id=hub-o1",
        "status=proposed", "score=82", "round=1", "reasons=Compétence couture ; même région")
    run("export", "--db", "hub.sqlite", "--to", "cle", "--for", "kayes")
    run("import", "--db", "kayes.sqlite", "cle")
    shutil.rmtree(os.path.join(WORK, "cle"))


def serve(db, sticks):
    env = dict(ENV, JONCTION_STICKS=sticks)
    process = subprocess.Popen([BINARY, "serve", "--db", db, "--port", "0"], cwd=WORK, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        process.kill()
        sys.exit(f"jonction serve did not start: {line}{process.stderr.read()}")
    return process, f"http://127.0.0.1:{match.group(1)}"


class Clerk:
    def __init__(self, base):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1024,768",
                         "--lang=fr-FR", "--disable-gpu", "--no-first-run"]:
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_window_size(1024, 768)
        self.base = base
        self.step = "démarrage"

    def open(self, path):
        self.driver.get(self.base + path)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def type(self, name, text, clear=True):
        field = self.find(f'[name="{name}"]')
        if clear:
            field.clear()
        field.send_keys(text)
        return field

    def choose(self, name, value):
        Select(self.find(f'select[name="{name}"]')).select_by_value(value)

    def check(self, condition, what):
        if not condition:
            self.capture("echec")
            sys.exit(f"[{self.step}] {what}\n  page: {self.driver.current_url}\n  {self.text()[:1500]}")

    def text(self):
        return self.find("body").text

    def capture(self, name):
        """A screenshot, and the checks every page passes: French, fits 1024x768 without scrolling sideways."""
        self.driver.save_screenshot(os.path.join(CAPTURES, f"{name}.png"))
        if name == "echec":
            return
        lang = self.find("html").get_attribute("lang")
        self.check(lang == "fr", f"page not in French (lang={lang})")
        wide = self.driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1")
        self.check(not wide, "the page scrolls sideways at 1024x768")

    def wait_for(self, condition, what, seconds=30):
        """Waits until `condition` holds. While a page loads, the browser may refuse to read it (an element
        gone stale, a body not there yet, an execution context destroyed by the navigation): that counts as
        not yet, and the last such refusal is named if the time runs out. The time is generous because CI
        runs this beside the whole suite on two cores."""
        refusal = None

        def holds(_):
            nonlocal refusal
            try:
                return condition()
            except WebDriverException as error:
                refusal = error
                return False

        try:
            WebDriverWait(self.driver, seconds).until(holds)
        except TimeoutException:
            last = f" (the browser last refused with {type(refusal).__name__}: {refusal.msg})" if refusal else ""
            self.check(False, f"{what}, not within {seconds} s{last}")


def office(clerk):
    clerk.step = "premier démarrage"
    clerk.open("/")
    clerk.check("/installation" in clerk.driver.current_url, "a new site should open on the first-start page")
    clerk.capture("01-installation")
    clerk.type("nom", "awa.traore")
    clerk.type("nom_complet", "Awa Traoré")
    clerk.type("mot_de_passe", "kayes-2027!")
    clerk.type("confirmation", "kayes-2027!").send_keys(Keys.ENTER)
    clerk.wait_for(lambda: "Bureau de Kayes" in clerk.text(), "home page after creating the administrator")
    clerk.capture("02-accueil")
    clerk.check("Couturière" in clerk.text(), "the pending proposal should be on the home page")

    clerk.step = "connexion"
    clerk.find('header form button[type="submit"]').click()
    clerk.wait_for(lambda: "/connexion" in clerk.driver.current_url, "sign-out should lead to the sign-in page")
    clerk.type("nom", "awa.traore")
    clerk.type("mot_de_passe", "mauvais-mot").send_keys(Keys.ENTER)
    clerk.wait_for(lambda: "incorrect" in clerk.text(), "a wrong password should be refused in French")
    clerk.capture("03-connexion-refusee")
    clerk.type("nom", "awa.traore")
    clerk.type("mot_de_passe", "kayes-2027!").send_keys(Keys.ENTER)
    clerk.wait_for(lambda: "Bienvenue" in clerk.text(), "sign-in")

    clerk.step = "clavier"
    clerk.open("/propositions")
    clerk.find("body").send_keys(Keys.TAB)
    focused = clerk.driver.switch_to.active_element
    clerk.check(focused.text == "Aller au contenu", f"the first Tab should reach the skip link, not {focused.text!r}")
    focused.send_keys(Keys.TAB)
    clerk.check(clerk.driver.switch_to.active_element.text == "Accueil", "the next Tab should reach the menu")
    clerk.open("/candidats")
    clerk.check(clerk.driver.switch_to.active_element.get_attribute("id") == "q", "the search box should have the focus")

    clerk.step = "nouveau candidat, téléphone faux"
    clerk.open("/candidats/nouveau")
    clerk.type("family_name", "Keïta")
    clerk.type("given_names", "Awa Diarra")
    clerk.choose("sex", "F")
    clerk.type("birth_year", "2001")
    clerk.choose("region", "Kayes")
    clerk.choose("origin_status", "returnee")
    clerk.find('input[name="languages"][value="bm"]').click()
    clerk.find('input[name="languages"][value="fr"]').click()
    clerk.type("skills", "couture, teinture")
    clerk.type("phone", "76 12")
    clerk.choose("consent", "employers")
    clerk.find('form.record button[type="submit"]').click()
    clerk.wait_for(lambda: "Numéro de téléphone non reconnu" in clerk.text(), "a bad phone should be refused in French")
    error = clerk.find("#e-phone")
    clerk.check(error.is_displayed(), "the phone's error should be beside the field")
    clerk.check(clerk.find("#f-phone").get_attribute("aria-invalid") == "true", "the phone field should be marked invalid")
    clerk.capture("04-erreur-telephone")
    clerk.type("phone", "76 12 34 56").send_keys(Keys.ENTER)
    clerk.wait_for(lambda: "Candidat enregistré" in clerk.text(), "the candidate should be saved")
    clerk.check("+223 76 12 34 56" in clerk.text(), "the phone should be written +223 76 12 34 56")
    clerk.check("bambara, français" in clerk.text(), "languages by name")
    clerk.capture("05-fiche")
    record_url = clerk.driver.current_url

    clerk.step = "doublon"
    clerk.open("/candidats/nouveau")
    clerk.type("family_name", "Keita")
    clerk.type("given_names", "Awa")
    clerk.choose("sex", "F")
    clerk.type("birth_year", "2001")
    clerk.choose("region", "Kayes")
    clerk.choose("consent", "programme")
    clerk.find('form.record button[type="submit"]').click()
    clerk.wait_for(lambda: "peut-être déjà enregistrée" in clerk.text(), "the duplicate warning")
    clerk.capture("06-doublon")

    clerk.step = "recherche"
    clerk.open("/candidats")
    box = clerk.find("#q")
    box.send_keys("keita diara")
    clerk.wait_for(lambda: "Awa Diarra" in clerk.find("#resultats").text and "Sissoko" not in clerk.find("#resultats").text,
                   "searching 'keita diara' as you type should find Awa Diarra Keïta, and her only")
    clerk.check("keita" in clerk.driver.current_url, "the address should keep the search")
    clerk.capture("07-recherche")
    clerk.find("#resultats a").click()
    clerk.wait_for(lambda: clerk.driver.current_url == record_url, "the search result should open her record")

    clerk.step = "fiche imprimable"
    clerk.find('a[href$="/fiche"]').click()
    clerk.wait_for(lambda: "Fiche candidat" in clerk.text(), "the printable sheet")
    clerk.check(clerk.find("#imprimer").is_displayed(), "the print button")
    clerk.capture("08-fiche-imprimable")

    clerk.step = "proposition"
    clerk.open("/propositions")
    clerk.capture("09-propositions")
    clerk.find('form[action$="/accepter"] button').click()
    clerk.wait_for(lambda: "Proposition acceptée" in clerk.text(), "accepting the proposal")

    clerk.step = "clé USB"
    clerk.open("/echanges")
    Select(clerk.find("#cle")).select_by_visible_text(f"CLE ({os.path.join(WORK, 'media', 'CLE')})")
    clerk.choose("pour", "hub")
    clerk.find('button[value="ecrire"]').click()
    clerk.wait_for(lambda: "Clé prête" in clerk.text(), "writing the stick for the hub", seconds=30)
    clerk.capture("10-cle-ecrite")
    written = os.listdir(os.path.join(WORK, "media", "CLE", "JONCTION"))
    clerk.check(any(name.endswith(".jnb") for name in written), f"a bundle on the stick: {written}")
    clerk.open("/")
    clerk.check("par clé USB" in clerk.text(), "the home page should say the last exchange went by stick")


def hub(manager):
    manager.step = "tableau de bord"
    manager.open("/")
    manager.type("nom", "admin.pole")
    manager.type("mot_de_passe", "pole-bamako-1")
    manager.type("confirmation", "pole-bamako-1").send_keys(Keys.ENTER)
    manager.wait_for(lambda: "Tableau de bord du pôle" in manager.text(), "the hub's dashboard")
    manager.check(len(manager.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")) >= 3, "charts drawn as SVG")
    manager.check("kayes" in manager.text(), "the office list")
    manager.capture("11-tableau-de-bord")
    # The fairness of the last round, for one region, chosen in the plain form.
    Select(manager.find("#equite-region")).select_by_value("Kayes")
    manager.find("#equite-region").submit()
    manager.wait_for(lambda: "region=Kayes" in manager.driver.current_url, "the fairness table for Kayes")
    manager.check("Équité du dernier tour de rapprochement" in manager.text(), "the fairness section")
    manager.driver.execute_script("document.getElementById('equite').scrollIntoView()")
    manager.capture("11b-equite-kayes")
    manager.open("/echanges")
    manager.find("#dossier").send_keys(os.path.join(WORK, "media", "CLE"))
    manager.find('button[value="lire"]').click()
    manager.wait_for(lambda: "Clé lue" in manager.text(), "the hub reads the stick", seconds=30)
    manager.capture("12-cle-lue")
    manager.open("/propositions")
    manager.check("Acceptée" in manager.text(), "the answer should have reached the hub")


def foreign_host(base):
    host, port = base[len("http://"):].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/", headers={"Host": "evil.example"})
    status = connection.getresponse().status
    if status != 421:
        sys.exit(f"a request naming another host should be refused (421), got {status}")


def main():
    network()
    os.makedirs(os.path.join(WORK, "media", "CLE"), exist_ok=True)
    sticks = os.path.join(WORK, "media")
    kayes, kayes_url = serve("kayes.sqlite", sticks)
    hub_server, hub_url = serve("hub.sqlite", sticks)
    clerk = manager = None
    try:
        foreign_host(kayes_url)
        clerk = Clerk(kayes_url)
        office(clerk)
        manager = Clerk(hub_url)
        hub(manager)
    finally:
        for browser in (clerk, manager):
            if browser:
                browser.driver.quit()
        for process in (kayes, hub_server):
            process.terminate()
            process.wait(timeout=20)
    print(f"ok: {len(os.listdir(CAPTURES))} captures in {CAPTURES}")


if __name__ == "__main__":
    main()
