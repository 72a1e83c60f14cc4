import assert from 'node:assert/strict'
import test from 'node:test'
import { renderCommand, templatePlaceholders } from '../../../service/src/power/command-template.js'

const values = { mac: 'aa:bb:cc:dd:ee:ff', ip: '192.168.1.20', broadcast: '192.168.1.255' }

test('render: fills {mac}, {ip} and {broadcast}, each as often as used', () => {
  assert.equal(renderCommand('wakeonlan -i {broadcast} {mac}', values), 'wakeonlan -i 192.168.1.255 aa:bb:cc:dd:ee:ff')
  assert.equal(renderCommand('etherwake {mac} && ping -c1 {ip} || etherwake {mac}', values),
    'etherwake aa:bb:cc:dd:ee:ff && ping -c1 192.168.1.20 || etherwake aa:bb:cc:dd:ee:ff')
})

test('render: a template without placeholders is unchanged', () => {
  assert.equal(renderCommand('sudo systemctl poweroff', values), 'sudo systemctl poweroff')
})

test('placeholders: listed once each, in order', () => {
  assert.deepEqual(templatePlaceholders('x {mac} {ip} {mac} {host} {}'), ['mac', 'ip', 'host', ''])
  assert.deepEqual(templatePlaceholders('no placeholders'), [])
})

const unknown = [
  { template: 'wakeonlan {MAC}', name: '{MAC}' },
  { template: 'wakeonlan {host}', name: '{host}' },
  { template: 'wakeonlan {}', name: '{}' },
  { template: 'wakeonlan { mac }', name: '{ mac }' }
]
for (const c of unknown) {
  test(`render: unknown placeholder ${c.name} is rejected`, () => {
    assert.throws(() => renderCommand(c.template, values), (err: Error) => err.message.includes(`unknown placeholder ${c.name}`))
  })
}

const hostile = [
  { name: 'command after ;', patch: { ip: '1.2.3.4; rm -rf /' } },
  { name: 'command substitution', patch: { mac: '$(reboot)' } },
  { name: 'backticks', patch: { broadcast: '`id`' } },
  { name: 'space', patch: { ip: '1.2.3.4 5.6.7.8' } },
  { name: 'newline', patch: { mac: 'aa:bb:cc:dd:ee:ff\nreboot' } },
  { name: 'empty', patch: { ip: '' } }
]
for (const c of hostile) {
  test(`render: hostile value (${c.name}) is rejected`, () => {
    assert.throws(() => renderCommand('wake {mac} {ip} {broadcast}', { ...values, ...c.patch }), /refusing to put/)
  })
}
