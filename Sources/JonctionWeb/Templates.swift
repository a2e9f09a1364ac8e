import Mustache

/// The pages, as Mustache templates compiled into the binary. `{{x}}` escapes HTML; `{{{x}}}` is
/// used only for markup this module builds itself (SVG charts), with every text in it escaped.
enum Templates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in all { try library.register(text, named: name) }
        return library
    }

    static let all: [String: String] = [
        "header": header, "footer": footer, "error": error, "signin": signin, "setup": setup,
        "home": home, "dashboard": dashboard, "candidates": candidates, "results": results,
        "record": record, "sheet": sheet, "form": form, "records": records, "proposals": proposals,
        "conflicts": conflicts, "exchanges": exchanges, "job": job, "users": users,
    ]

    static let header = """
    <!doctype html>
    <html lang="fr">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    {{#refresh}}<meta http-equiv="refresh" content="{{refresh}}">{{/refresh}}
    <title>{{title}} — Jonction {{site}}</title>
    <link rel="stylesheet" href="/static/app.css">
    </head>
    <body>
    <a class="skip" href="#contenu">Aller au contenu</a>
    <header class="top">
    <span class="brand">Jonction · {{siteLabel}}</span>
    {{#signedIn}}
    <nav aria-label="Menu principal">
    {{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/nav}}
    </nav>
    <form method="post" action="/deconnexion"><input type="hidden" name="csrf" value="{{csrf}}">
    <span>{{userName}} ({{roleLabel}})</span> <button type="submit">Se déconnecter</button></form>
    {{/signedIn}}
    </header>
    <main id="contenu">
    {{#flash}}<p class="flash" role="status">{{.}}</p>{{/flash}}
    """

    static let footer = """
    </main>
    <script src="/static/app.js"></script>
    </body>
    </html>
    """

    static let error = """
    {{>header}}
    <h1>{{title}}</h1>
    <p class="errors" role="alert">{{message}}</p>
    <p><a href="{{back}}">Retour</a></p>
    {{>footer}}
    """

    static let signin = """
    {{>header}}
    <h1>Connexion</h1>
    {{#error}}<p class="errors" role="alert">{{error}}</p>{{/error}}
    {{#noPassword}}<p class="warning">Aucun utilisateur de ce site n’a encore de mot de passe. L’administrateur en donne un à chacun : sur ce poste, dans un terminal, « jonction users password NOM --db {{dbPath}} ».</p>{{/noPassword}}
    <form method="post" action="/connexion" class="record panel">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="suite" value="{{next}}">
    <div class="field"><label for="nom">Nom d’utilisateur</label>
    <input type="text" id="nom" name="nom" value="{{name}}" autocomplete="username" required autofocus></div>
    <div class="field"><label for="mdp">Mot de passe</label>
    <input type="password" id="mdp" name="mot_de_passe" autocomplete="current-password" required></div>
    <button type="submit">Se connecter</button>
    </form>
    {{>footer}}
    """

    static let setup = """
    {{>header}}
    <h1>Premier démarrage : l’administrateur du site</h1>
    <p>Ce réplica ({{site}}) n’a encore aucun utilisateur. Créez le compte de la personne qui administre ce poste ; elle ajoutera ensuite les autres (page « Utilisateurs »).</p>
    {{#errors}}<p class="errors" role="alert">{{.}}</p>{{/errors}}
    <form method="post" action="/installation" class="record panel">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="nom" class="required">Nom d’utilisateur</label>
    <input type="text" id="nom" name="nom" value="{{name}}" required autofocus aria-describedby="nom-aide">
    <div class="hint" id="nom-aide">Lettres minuscules sans accent, chiffres, « . » et « - », par exemple awa.diarra</div></div>
    <div class="field"><label for="complet">Nom complet</label>
    <input type="text" id="complet" name="nom_complet" value="{{fullName}}"></div>
    <div class="field"><label for="mdp" class="required">Mot de passe (8 caractères au moins)</label>
    <input type="password" id="mdp" name="mot_de_passe" autocomplete="new-password" required></div>
    <div class="field"><label for="mdp2" class="required">Le même mot de passe, encore</label>
    <input type="password" id="mdp2" name="confirmation" autocomplete="new-password" required></div>
    <button type="submit">Créer l’administrateur</button>
    </form>
    {{>footer}}
    """

    static let home = """
    {{>header}}
    <h1>Bureau de {{siteLabel}}</h1>
    {{#warnings}}<p class="warning" role="alert">{{.}}</p>{{/warnings}}
    <div class="cards">
    {{#counts}}<div class="card"><div class="big">{{count}}</div><div>{{label}}</div></div>{{/counts}}
    </div>
    <h2>Propositions en attente de réponse</h2>
    {{#has_pending}}
    <table><thead><tr><th>Candidat</th><th>Opportunité</th><th>Employeur</th><th class="num">Score</th><th>Réponse</th></tr></thead><tbody>
    {{#pending}}<tr><td><a href="/candidats/{{candidateID}}">{{candidateName}}</a></td><td>{{title}}</td><td>{{employer}}</td><td class="num">{{score}}</td><td><a href="/propositions#p-{{id}}">Répondre</a></td></tr>{{/pending}}
    </tbody></table>
    {{/has_pending}}
    {{^pending}}<p class="muted">Aucune proposition n’attend de réponse.</p>{{/pending}}
    <h2>Échanges</h2>
    <p>{{lastHub}}</p>
    <p class="actions"><a class="button" href="/echanges">Clé USB et synchronisation</a> <a class="button secondary" href="/candidats/nouveau">Enregistrer un candidat</a></p>
    {{#has_exchanges}}
    <table><thead><tr><th>Quand</th><th>Avec</th><th>Par</th><th>Sens</th><th class="num">Changements</th><th>Résultat</th></tr></thead><tbody>
    {{#exchanges}}<tr><td>{{when}}</td><td>{{peer}}</td><td>{{route}}</td><td>{{direction}}</td><td class="num">{{changes}}</td><td>{{outcome}}</td></tr>{{/exchanges}}
    </tbody></table>
    {{/has_exchanges}}
    {{>footer}}
    """

    static let dashboard = """
    {{>header}}
    <h1>Tableau de bord du pôle</h1>
    {{#warnings}}<p class="warning" role="alert">{{.}}</p>{{/warnings}}
    <div class="cards">
    {{#counts}}<div class="card"><div class="big">{{count}}</div><div>{{label}}</div></div>{{/counts}}
    </div>
    <h2>Bureaux</h2>
    <table><thead><tr><th>Bureau</th><th>Régions servies</th><th>Dernier contact</th><th class="num">Changements qui lui manquent</th><th>État</th></tr></thead><tbody>
    {{#offices}}<tr><td>{{site}}</td><td>{{regions}}</td><td>{{lastContact}}</td><td class="num">{{lacks}}</td><td>{{#revoked}}<span class="badge bad">révoqué</span>{{/revoked}}{{^revoked}}actif{{/revoked}}</td></tr>{{/offices}}
    {{^offices}}<tr><td colspan="5" class="muted">Aucun bureau inscrit.</td></tr>{{/offices}}
    </tbody></table>
    <h2>Chiffres du programme</h2>
    <p class="muted">Toutes les personnes sont comptées, y compris celles dont l’identité reste à leur bureau. Lire ces chiffres ne modifie rien.</p>
    <div class="charts">
    {{#charts}}<figure class="chart"><figcaption><strong>{{title}}</strong></figcaption>{{{svg}}}
    <details><summary>Tableau</summary><table><thead><tr><th>{{dimension}}</th><th class="num">Inscrits</th><th class="num">Formés</th><th class="num">Placés</th></tr></thead><tbody>
    {{#rows}}<tr><td>{{label}}</td><td class="num">{{registered}}</td><td class="num">{{trained}}</td><td class="num">{{placed}}</td></tr>{{/rows}}
    </tbody></table></details></figure>{{/charts}}
    </div>
    {{#fairness}}<h2 id="equite">Équité du dernier tour de rapprochement</h2>
    <p class="muted">Par groupe (situation, sexe), {{scope}} : candidats admissibles, proposés, acceptés, placés, et la part de chaque groupe dans les places proposées et dans les placements.</p>
    <form class="search panel" method="get" action="/#equite">
    <div><label for="equite-region" class="label">Région</label><select id="equite-region" name="region"{{#regionError}} aria-invalid="true" aria-describedby="e-equite-region"{{/regionError}}><option value="">Toutes les régions</option>{{#regions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/regions}}</select>
    {{#regionError}}<div class="field-error" id="e-equite-region">{{regionError}}</div>{{/regionError}}</div>
    <div><button type="submit">Afficher</button></div>
    </form>
    <figure class="chart"><figcaption><strong>Admissibles, proposés, placés par groupe, {{scope}}</strong></figcaption>{{{svg}}}
    {{#nobody}}<p class="muted">Personne à compter dans cette région pour ce tour : aucun candidat admissible, proposé, accepté ni placé.</p>{{/nobody}}
    <table><thead><tr><th>Groupe</th><th class="num">Admissibles</th><th class="num">Proposés</th><th class="num">Acceptés</th><th class="num">Placés</th><th class="num">Part des places proposées</th><th class="num">Part des placements</th></tr></thead><tbody>
    {{#rows}}<tr><td>{{label}}</td><td class="num">{{admissible}}</td><td class="num">{{proposed}}</td><td class="num">{{accepted}}</td><td class="num">{{placed}}</td><td class="num">{{proposedShare}} %</td><td class="num">{{placedShare}} %</td></tr>{{/rows}}
    </tbody></table></figure>{{/fairness}}
    <h2>Placements par type d’opportunité</h2>
    <table><tbody>{{#kinds}}<tr><td>{{label}}</td><td class="num">{{count}}</td></tr>{{/kinds}}{{^kinds}}<tr><td class="muted">Aucun placement.</td></tr>{{/kinds}}</tbody></table>
    <h2>Propositions</h2>
    <table><tbody>{{#proposals}}<tr><td>{{label}}</td><td class="num">{{count}}</td></tr>{{/proposals}}{{^proposals}}<tr><td class="muted">Aucune proposition.</td></tr>{{/proposals}}</tbody></table>
    <h2>Derniers tours de rapprochement</h2>
    <table><thead><tr><th>Tour</th><th>Date</th><th class="num">Propositions</th><th class="num">Placements</th><th class="num">Score total</th></tr></thead><tbody>
    {{#rounds}}<tr><td>{{round}}</td><td>{{when}}</td><td class="num">{{proposals}}</td><td class="num">{{placements}}</td><td class="num">{{score}}</td></tr>{{/rounds}}
    {{^rounds}}<tr><td colspan="5" class="muted">Aucun tour encore.</td></tr>{{/rounds}}
    </tbody></table>
    <h2>Compétences qui manquent le plus</h2>
    <table><thead><tr><th>Compétence</th><th class="num">Places ouvertes</th><th class="num">Personnes disponibles</th><th class="num">Manque</th></tr></thead><tbody>
    {{#skills}}<tr><td>{{skill}}</td><td class="num">{{demand}}</td><td class="num">{{supply}}</td><td class="num">{{gap}}</td></tr>{{/skills}}
    {{^skills}}<tr><td colspan="4" class="muted">Aucun manque : chaque compétence demandée a assez de personnes disponibles.</td></tr>{{/skills}}
    </tbody></table>
    <h2>Fichiers refusés à l’arrivée</h2>
    {{^inbox}}<p class="muted">Dossier d’arrivée non indiqué (jonction serve --inbox DOSSIER).</p>{{/inbox}}
    {{#inbox}}<table><thead><tr><th>Fichier</th><th>Raison</th></tr></thead><tbody>
    {{#rejected}}<tr><td>{{file}}</td><td>{{reason}}</td></tr>{{/rejected}}
    {{^rejected}}<tr><td colspan="2" class="muted">Aucun fichier refusé.</td></tr>{{/rejected}}
    </tbody></table>{{/inbox}}
    <p><a href="/conflits">Conflits : {{conflicts}} à revoir</a></p>
    {{>footer}}
    """

    static let candidates = """
    {{>header}}
    <h1>Candidats</h1>
    <form id="recherche" class="search panel" method="get" action="/candidats" role="search">
    <div><label for="q" class="label">Rechercher (nom, prénom, téléphone, identifiant)</label>
    <input type="search" id="q" name="q" value="{{q}}" autocomplete="off" autofocus></div>
    <div><label for="f-region" class="label">Région</label><select id="f-region" name="region"><option value="">Toutes</option>{{#regions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/regions}}</select></div>
    <div><label for="f-statut" class="label">Étape</label><select id="f-statut" name="statut"><option value="">Toutes</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></div>
    <div><label for="f-sexe" class="label">Sexe</label><select id="f-sexe" name="sexe"><option value="">Tous</option>{{#sexes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/sexes}}</select></div>
    <div><button type="submit">Chercher</button></div>
    </form>
    <p class="actions"><a class="button" href="/candidats/nouveau">Enregistrer un candidat</a></p>
    <div id="resultats" aria-live="polite">{{>results}}</div>
    {{>footer}}
    """

    static let results = """
    <p>{{summary}}</p>
    {{#has_hits}}
    <table><thead><tr><th>Nom</th><th>Prénoms</th><th>Sexe</th><th>Naissance</th><th>Région</th><th>Étape</th><th>Téléphone</th><th>Identifiant</th></tr></thead><tbody>
    {{#hits}}<tr><td><a href="/candidats/{{id}}">{{familyName}}</a></td><td>{{givenNames}}</td><td>{{sex}}</td><td>{{birthYear}}</td><td>{{region}}</td><td>{{status}}</td><td>{{phone}}</td><td>{{id}}</td></tr>{{/hits}}
    </tbody></table>
    {{/has_hits}}
    <nav class="pager" aria-label="Pages">
    {{#previous}}<a href="{{previous}}">← Page précédente</a>{{/previous}}
    {{#pageLabel}}<span>{{pageLabel}}</span>{{/pageLabel}}
    {{#next}}<a href="{{next}}">Page suivante →</a>{{/next}}
    </nav>
    """

    static let record = """
    {{>header}}
    <h1>{{heading}}</h1>
    {{#withheld}}<p class="warning">Sans consentement : son identité reste dans ce bureau, elle ne part ni au pôle ni ailleurs.</p>{{/withheld}}
    <p class="actions">
    {{#editable}}<a class="button" href="{{base}}/{{id}}/modifier">Modifier</a>{{/editable}}
    {{#printable}}<a class="button secondary" href="{{base}}/{{id}}/fiche">Fiche imprimable</a>{{/printable}}
    <a class="button secondary" href="{{base}}">Retour à la liste</a>
    </p>
    <dl class="record">
    {{#fields}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/fields}}
    <dt>Identifiant</dt><dd>{{id}}</dd>
    </dl>
    {{#has_proposals}}
    <h2>Propositions</h2>
    <table><thead><tr><th>Opportunité</th><th>Employeur</th><th class="num">Score</th><th>Réponse</th></tr></thead><tbody>
    {{#proposals}}<tr><td>{{title}}</td><td>{{employer}}</td><td class="num">{{score}}</td><td>{{status}}</td></tr>{{/proposals}}
    </tbody></table>
    {{/has_proposals}}
    {{#has_conflicts}}
    <h2>Conflits</h2>
    <table><thead><tr><th>Champ</th><th>Valeur gardée</th><th>Valeur écartée</th><th>Détecté</th></tr></thead><tbody>
    {{#conflicts}}<tr><td>{{field}}</td><td>{{winner}}</td><td>{{loser}}</td><td>{{when}}</td></tr>{{/conflicts}}
    </tbody></table>
    {{/has_conflicts}}
    <h2>Historique</h2>
    <table><thead><tr><th>Quand</th><th>Qui</th><th>Site</th><th>Quoi</th></tr></thead><tbody>
    {{#history}}<tr><td>{{when}}</td><td>{{who}}</td><td>{{site}}</td><td>{{what}}</td></tr>{{/history}}
    {{^history}}<tr><td colspan="4" class="muted">L’historique de cette fiche est tenu au pôle.</td></tr>{{/history}}
    </tbody></table>
    {{>footer}}
    """

    static let sheet = """
    {{>header}}
    <p class="actions no-print"><button type="button" id="imprimer">Imprimer</button> <a class="button secondary" href="/candidats/{{id}}">Retour à la fiche</a></p>
    <h1>Fiche candidat — {{heading}}</h1>
    <p class="muted">Programme OIM – CNPM · bureau de {{siteLabel}} · imprimée le {{printedAt}}</p>
    <dl class="record">
    {{#fields}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/fields}}
    <dt>Identifiant</dt><dd>{{id}}</dd>
    </dl>
    <p class="muted">Document personnel : à remettre à la personne ou à ranger sous clé ; ne pas laisser sur un bureau.</p>
    {{>footer}}
    """

    static let form = """
    {{>header}}
    <h1>{{heading}}</h1>
    {{#errorSummary}}<div class="errors" role="alert"><p>{{errorSummary}}</p></div>{{/errorSummary}}
    {{#has_duplicates}}
    <div class="warning" role="alert"><p><strong>Cette personne est peut-être déjà enregistrée :</strong></p><ul>
    {{#duplicates}}<li><a href="/candidats/{{id}}" target="_blank">{{familyName}} {{givenNames}}</a> ({{birthYear}}, {{region}}, {{phone}}) — {{id}}</li>{{/duplicates}}
    </ul><p>Vérifiez. S’il s’agit bien d’une autre personne, cochez la case en bas du formulaire et enregistrez de nouveau.</p></div>
    {{/has_duplicates}}
    <form method="post" action="{{action}}" class="record panel" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p class="hint">Les champs marqués * sont obligatoires.</p>
    <div class="grid2">
    {{#fields}}
    <div class="field">
    {{#isChecks}}<fieldset class="checks"{{#error}} aria-invalid="true"{{/error}}><legend class="{{#required}}required{{/required}}">{{label}}</legend>
    {{#options}}<label><input type="checkbox" name="{{name}}" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>{{/options}}
    <div><label for="f-{{name}}-autres">Autres</label><input type="text" id="f-{{name}}-autres" name="{{name}}" value="{{other}}"></div>
    </fieldset>{{/isChecks}}
    {{^isChecks}}<label for="f-{{name}}" class="{{#required}}required{{/required}}">{{label}}</label>
    {{#isSelect}}<select id="f-{{name}}" name="{{name}}"{{#required}} required{{/required}}{{#error}} aria-invalid="true" aria-describedby="e-{{name}}"{{/error}}>
    <option value="">—</option>{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/isSelect}}
    {{#isTextarea}}<textarea id="f-{{name}}" name="{{name}}"{{#error}} aria-invalid="true" aria-describedby="e-{{name}}"{{/error}}>{{value}}</textarea>{{/isTextarea}}
    {{#isInput}}<input type="{{inputType}}" id="f-{{name}}" name="{{name}}" value="{{value}}"{{#required}} required{{/required}}{{#min}} min="{{min}}"{{/min}}{{#max}} max="{{max}}"{{/max}}{{#error}} aria-invalid="true" aria-describedby="e-{{name}}"{{/error}}>{{/isInput}}
    {{/isChecks}}
    {{#hint}}<div class="hint">{{hint}}</div>{{/hint}}
    {{#error}}<div class="field-error" id="e-{{name}}">{{error}}</div>{{/error}}
    </div>
    {{/fields}}
    </div>
    {{#has_duplicates}}<p><label><input type="checkbox" name="pas_un_doublon" value="1"> J’ai vérifié : c’est une autre personne, l’enregistrer quand même.</label></p>{{/has_duplicates}}
    <p class="actions"><button type="submit">Enregistrer</button> <a class="button secondary" href="{{cancel}}">Annuler</a></p>
    </form>
    {{>footer}}
    """

    static let records = """
    {{>header}}
    <h1>{{heading}}</h1>
    <p class="actions"><a class="button" href="{{base}}/nouveau">{{newLabel}}</a></p>
    <table><thead><tr>{{#columns}}<th>{{.}}</th>{{/columns}}</tr></thead><tbody>
    {{#rows}}<tr><td><a href="{{base}}/{{id}}">{{first}}</a></td>{{#rest}}<td>{{.}}</td>{{/rest}}</tr>{{/rows}}
    {{^rows}}<tr><td class="muted">Aucun enregistrement.</td></tr>{{/rows}}
    </tbody></table>
    {{>footer}}
    """

    static let proposals = """
    {{>header}}
    <h1>Propositions</h1>
    <p class="muted">Le pôle propose des opportunités aux candidats lors de ses tours de rapprochement. Donnez la réponse de la personne : elle part au pôle au prochain échange.</p>
    {{#proposals}}
    <section class="panel" id="p-{{id}}" aria-labelledby="t-{{id}}">
    <h2 id="t-{{id}}"><a href="/candidats/{{candidateID}}">{{candidateName}}</a> → {{title}}</h2>
    <p>{{employer}} · {{region}} · score {{score}} · tour {{round}} · <strong>{{statusLabel}}</strong></p>
    {{#reasons}}<p class="muted">{{reasons}}</p>{{/reasons}}
    {{#pending}}{{#mine}}<div class="actions">
    <form method="post" action="/propositions/{{id}}/accepter" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Accepter</button></form>
    <form method="post" action="/propositions/{{id}}/refuser" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
    <label for="r-{{id}}">Raison du refus</label>
    <select id="r-{{id}}" name="raison" required><option value="">—</option>{{#reasonsList}}<option value="{{.}}">{{.}}</option>{{/reasonsList}}</select>
    <button type="submit" class="danger">Refuser</button></form>
    </div>{{/mine}}{{^mine}}<p class="muted">Seul le bureau de la personne (ou le pôle) peut répondre.</p>{{/mine}}{{/pending}}
    </section>
    {{/proposals}}
    {{^proposals}}<p class="muted">Aucune proposition.</p>{{/proposals}}
    {{>footer}}
    """

    static let conflicts = """
    {{>header}}
    <h1>Conflits</h1>
    <p class="muted">Deux sites ont changé le même champ sans se voir : la règle a gardé la modification la plus récente. Vérifiez la valeur gardée, corrigez la fiche si besoin, puis marquez le conflit comme revu.</p>
    <table><thead><tr><th>Fiche</th><th>Champ</th><th>Valeur gardée</th><th>Valeur écartée</th><th>Détecté</th><th>Revu</th></tr></thead><tbody>
    {{#conflicts}}<tr><td><a href="{{link}}">{{record}}</a></td><td>{{field}}</td><td>{{winner}} <span class="muted">({{winnerSite}})</span></td><td>{{loser}} <span class="muted">({{loserSite}})</span></td><td>{{when}}</td>
    <td>{{#reviewed}}{{reviewed}}{{/reviewed}}{{^reviewed}}<form method="post" action="/conflits/{{number}}/revu" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="secondary">Marquer comme revu</button></form>{{/reviewed}}</td></tr>{{/conflicts}}
    {{^conflicts}}<tr><td colspan="6" class="muted">Aucun conflit.</td></tr>{{/conflicts}}
    </tbody></table>
    {{>footer}}
    """

    static let exchanges = """
    {{>header}}
    <h1>Échanges</h1>
    {{#errors}}<p class="errors" role="alert">{{.}}</p>{{/errors}}
    <section class="panel" aria-labelledby="t-cle">
    <h2 id="t-cle">Clé USB</h2>
    <p>Branchez la clé, puis choisissez-la. Les paquets sont écrits dans son dossier JONCTION.</p>
    <form method="post" action="/echanges/cle" class="record">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="cle">Clé</label>
    <select id="cle" name="cle">{{#sticks}}<option value="{{path}}">{{label}}</option>{{/sticks}}<option value="">Autre dossier (ci-dessous)</option></select>
    {{^sticks}}<div class="hint">Aucune clé trouvée dans /media : branchez-la, puis rechargez la page, ou indiquez un dossier.</div>{{/sticks}}</div>
    <div class="field"><label for="dossier">Autre dossier</label><input type="text" id="dossier" name="dossier" value="" placeholder="/media/clé/JONCTION"></div>
    <div class="field"><label for="pour">Écrire pour</label>
    <select id="pour" name="pour">{{#addressees}}<option value="{{value}}">{{label}}</option>{{/addressees}}</select></div>
    <p class="actions"><button type="submit" name="action" value="ecrire">Écrire sur la clé</button>
    <button type="submit" name="action" value="lire" class="secondary">Lire la clé</button></p>
    </form>
    </section>
    {{#canSync}}<section class="panel" aria-labelledby="t-sync">
    <h2 id="t-sync">Internet</h2>
    <p>Quand le bureau a du réseau : envoie ses changements au pôle et reçoit les siens.</p>
    <form method="post" action="/echanges/synchroniser"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Synchroniser avec le pôle</button></form>
    </section>{{/canSync}}
    <h2>Derniers échanges</h2>
    <table><thead><tr><th>Quand</th><th>Avec</th><th>Par</th><th>Sens</th><th class="num">Changements</th><th>Résultat</th></tr></thead><tbody>
    {{#exchanges}}<tr><td>{{when}}</td><td>{{peer}}</td><td>{{route}}</td><td>{{direction}}</td><td class="num">{{changes}}</td><td>{{outcome}}</td></tr>{{/exchanges}}
    {{^exchanges}}<tr><td colspan="6" class="muted">Aucun échange encore.</td></tr>{{/exchanges}}
    </tbody></table>
    {{>footer}}
    """

    static let job = """
    {{>header}}
    <h1>{{heading}}</h1>
    {{#running}}<p role="status">{{stage}}</p><progress class="progress" max="{{total}}" value="{{done}}">{{percent}} %</progress>{{/running}}
    {{#failed}}<p class="errors" role="alert">{{failed}}</p>{{/failed}}
    {{#finished}}<p class="flash" role="status">{{finished}}</p>{{/finished}}
    <ul>{{#lines}}<li class="{{kind}}">{{text}}</li>{{/lines}}</ul>
    {{^running}}<p class="actions"><a class="button" href="/echanges">Retour aux échanges</a> <a class="button secondary" href="/">Accueil</a></p>{{/running}}
    {{>footer}}
    """

    static let users = """
    {{>header}}
    <h1>Utilisateurs du site</h1>
    {{#errors}}<p class="errors" role="alert">{{.}}</p>{{/errors}}
    <table><thead><tr><th>Nom</th><th>Nom complet</th><th>Rôle</th><th>Mot de passe</th><th>État</th></tr></thead><tbody>
    {{#users}}<tr><td>{{name}}</td><td>{{fullName}}</td><td>{{role}}</td><td>{{password}}</td><td>{{state}}</td></tr>{{/users}}
    </tbody></table>
    {{#admin}}
    <h2>Ajouter une personne, ou changer un mot de passe</h2>
    <form method="post" action="/utilisateurs" class="record panel">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="nom" class="required">Nom d’utilisateur</label><input type="text" id="nom" name="nom" required></div>
    <div class="field"><label for="complet">Nom complet</label><input type="text" id="complet" name="nom_complet"></div>
    <div class="field"><label for="role">Rôle</label><select id="role" name="role">{{#roles}}<option value="{{value}}">{{label}}</option>{{/roles}}</select></div>
    <div class="field"><label for="mdp" class="required">Mot de passe (8 caractères au moins)</label><input type="password" id="mdp" name="mot_de_passe" autocomplete="new-password" required></div>
    <div class="field"><label for="mdp2" class="required">Le même mot de passe, encore</label><input type="password" id="mdp2" name="confirmation" autocomplete="new-password" required></div>
    <button type="submit">Enregistrer</button>
    </form>
    {{/admin}}
    {{>footer}}
    """
}
